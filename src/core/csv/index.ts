/** The CSV dictionary model: types, parser, serialiser and row edits. */
export * from './types';
export { formatMessage, PROBLEM_MESSAGES } from './messages';
export { parseDictionary, parseDictionaryPairs, type DictionaryPairs } from './parse';
export {
  applyEdits,
  deleteRowEdit,
  formatField,
  formatRecord,
  insertRowEdit,
  replaceRowEdit,
  serializeDictionary,
  UnsafeEditError,
  type TextEdit,
} from './serialize';
