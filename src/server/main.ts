/**
 * Entry point of `dist/server.js`. `createConnection()` picks the transport from the command line
 * as vscode-languageserver does for every client: `--node-ipc` (VS Code's default here),
 * `--stdio` (Neovim, Helix, Emacs…), `--socket=<port>` or `--pipe=<name>`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);

// A stray exception must not take the server down silently: log it where the user can see it.
process.on('uncaughtException', (e) => connection.console.error(`Uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

startServer(connection);
