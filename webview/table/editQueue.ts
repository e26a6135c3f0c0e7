/**
 * The edit queue: edit requests go to the host one at a time, each built against the document
 * version the grid shows when its turn comes, and each waits until the grid shows the version the
 * host says the edit produced — or tells the user that update never came.
 */
import type { EditResult, FromTableMessage, TableState, ToTableMessage } from '../../src/shared/webviewProtocol';
import type { Host } from '../common/host';
import { format } from '../common/strings';
import type { TableModel } from './model';
import type { GridState } from './state';

/** How long an edit's document update may take to reach the grid before the user is told. */
const UPDATE_TIMEOUT_MS = 5000;

export type TableHost = Host<ToTableMessage, FromTableMessage, TableState>;
export type EditRequest = Parameters<TableHost['request']>[0];

export class EditQueue {
  private chain: Promise<void> = Promise.resolve();
  private versionWaiters: { version: number; resolve: () => void }[] = [];

  constructor(
    private readonly s: GridState,
    private readonly host: TableHost,
    /** Tells the user why an edit failed. */
    private readonly say: (text: string) => void,
  ) {}

  /** The grid now shows document `version`: edits waiting for it (or an earlier one) go on. */
  shown(version: number): void {
    this.versionWaiters = this.versionWaiters.filter((w) => (w.version <= version ? (w.resolve(), false) : true));
  }

  /**
   * Resolves once the grid shows document version `version` or later; rejects with a message for
   * the user when that update has not arrived within UPDATE_TIMEOUT_MS (the grid would otherwise
   * go on showing a document that no longer exists, and the next edit would be made against it).
   */
  private whenVersion(version: number): Promise<void> {
    if (this.s.model && this.s.model.version >= version) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.versionWaiters = this.versionWaiters.filter((w) => w !== waiter);
        reject(new Error(format(this.s.strings.updateLost, version)));
      }, UPDATE_TIMEOUT_MS);
      const waiter = {
        version,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.versionWaiters.push(waiter);
    });
  }

  /** Queues an edit; `make` builds the request against the model current when its turn comes. */
  enqueue(make: () => EditRequest | undefined, after?: () => void): void {
    this.chain = this.chain.then(async () => {
      const request = make();
      if (!request) return;
      try {
        const r = await this.host.request<EditResult>(request);
        await this.whenVersion(r.version);
        after?.();
      } catch (error) {
        this.say(error instanceof Error ? error.message : String(error));
      }
    });
  }
}

/** Finds the row that held `original` values when the document moved on since they were read. */
export function locateRow(model: TableModel | undefined, row: number, original: readonly string[], version: number): number {
  if (!model) return -1;
  if (model.version === version) return row;
  const same = (i: number) => {
    const cells = model.dict.rows[i]?.cells;
    return !!cells && cells.length === original.length && cells.every((c, k) => c.raw === original[k]);
  };
  for (let d = 0; d < 200; d++) {
    if (same(row + d)) return row + d;
    if (d > 0 && same(row - d)) return row - d;
  }
  return -1;
}
