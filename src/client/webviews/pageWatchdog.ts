/**
 * Reloads a webview page that never says `ready`. VS Code serves a page's script through its
 * webview service worker, which answers 408 when the workbench has not delivered the file within
 * 30 s (a heavily loaded machine); the page then stays blank for good, since nothing loads it
 * again. Pure (timers only, no `vscode`) so it is unit-tested with mocked timers.
 */

/** How long a page may take to say `ready` before it is loaded again: past the service worker's 30 s. */
export const PAGE_READY_TIMEOUT_MS = 35_000;
/** Reloads at most, per page shown. */
export const PAGE_RELOADS = 2;

export interface PageWatchdog {
  /** The page said `ready`: stop watching. */
  ready(): void;
  dispose(): void;
}

/**
 * Calls `reload` when `ready()` has not been called `timeoutMs` after the start or after the last
 * reload, at most `reloads` times; then `gaveUp` (the page stays as it is).
 */
export function watchPageReady(options: { reload: () => void; gaveUp?: () => void; timeoutMs?: number; reloads?: number }): PageWatchdog {
  const timeoutMs = options.timeoutMs ?? PAGE_READY_TIMEOUT_MS;
  let left = options.reloads ?? PAGE_RELOADS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      if (left === 0) {
        timer = undefined;
        options.gaveUp?.();
        return;
      }
      left--;
      options.reload();
      arm();
    }, timeoutMs);
  };
  arm();
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return { ready: stop, dispose: stop };
}
