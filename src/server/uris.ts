/** URIs the server receives (documents, workspace folders, request parameters). */
import { fileURLToPath } from 'node:url';

/** The file path of a `file:` URI, or undefined for any other scheme or a malformed URI. */
export function fsPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
