/**
 * The part of papaparse 5 this project uses. `@types/papaparse` is not installed on purpose: it
 * pulls Node's types into `src/core`, whose tsconfig has `"types": []`.
 *
 * The parser itself does not use papaparse (it cannot report per-field offsets, see `parse.ts`);
 * the unit tests use `parse` as an independent oracle for cell values.
 */
declare module 'papaparse' {
  export interface ParseError {
    type: string;
    code: string;
    message: string;
    row?: number;
  }

  export interface ParseMeta {
    delimiter: string;
    linebreak: string;
    aborted: boolean;
    truncated: boolean;
    cursor: number;
  }

  export interface ParseResult<T> {
    data: T[];
    errors: ParseError[];
    meta: ParseMeta;
  }

  export interface ParseConfig {
    /** Field delimiter; guessed when empty. */
    delimiter?: string;
    /** Record separator; guessed from the first line break when empty. */
    newline?: string;
    quoteChar?: string;
    escapeChar?: string;
    /** `true` skips empty lines, `'greedy'` also lines of white space and delimiters only. */
    skipEmptyLines?: boolean | 'greedy';
    /** Rows as arrays when false (the default). */
    header?: false;
  }

  export function parse(input: string, config?: ParseConfig): ParseResult<string[]>;

  const Papa: { parse: typeof parse };
  export default Papa;
}
