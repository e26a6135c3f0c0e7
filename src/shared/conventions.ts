/**
 * Names that the extension host, the language server, the CLI and the learning jobs must agree on
 * without importing each other: environment variables and folder conventions, each declared once.
 */

/**
 * Environment variable naming the folder of downloaded models: the extension sets it for the
 * language server (its global storage), the CLI reads it too; `org/name` model specs resolve there.
 */
export const MODELS_DIR_ENV = 'SYNONYM_LENS_MODELS_DIR';

/**
 * Environment variable naming the root of the persistent vector files (one per model fingerprint):
 * the extension sets it for the language server (its global storage, shared by every window).
 */
export const VECTORS_DIR_ENV = 'SYNONYM_LENS_VECTORS_DIR';

/** Hidden folder next to a dictionary that holds what Synonym Lens writes for it. */
export const WORK_FOLDER = '.synonym-lens';

/** The models Fine-tune Model and Adjust Vectors write: `<dictionary dir>/.synonym-lens/models/<name>`. */
export const MODELS_FOLDER = [WORK_FOLDER, 'models'] as const;

/** `MODELS_FOLDER` as a workspace-relative glob segment, e.g. for `findFiles`. */
export const MODELS_FOLDER_GLOB = MODELS_FOLDER.join('/');
