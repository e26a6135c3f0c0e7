/**
 * The command ids of Synonym Lens, declared once. The client registers each from one table
 * (src/client/commands.ts); the server names some in code actions and hover links. package.json
 * `contributes.commands` and `activationEvents` list exactly these (test/unit/commands.test.ts).
 */
export const Commands = {
  restartServer: 'synonymLens.restartServer',
  addSynonym: 'synonymLens.addSynonym',
  fineTune: 'synonymLens.fineTune',
  adjustVectors: 'synonymLens.adjustVectors',
  evaluate: 'synonymLens.evaluate',
  selectModel: 'synonymLens.selectModel',
  exportSynonyms: 'synonymLens.exportSynonyms',
  cleanUpModels: 'synonymLens.cleanUpModels',
  convertDictionary: 'synonymLens.convertDictionary',
  previewExpansion: 'synonymLens.previewExpansion',
  openDocs: 'synonymLens.openDocs',
  openAsTable: 'synonymLens.openAsTable',
  showHeatmap: 'synonymLens.showHeatmap',
  showReport: 'synonymLens.showReport',
  openSample: 'synonymLens.openSample',
  suggestSynonyms: 'synonymLens.suggestSynonyms',
  showAllProblems: 'synonymLens.showAllProblems',
  saveDecisions: 'synonymLens.saveDecisions',
} as const;

export type CommandName = keyof typeof Commands;
export type CommandId = (typeof Commands)[CommandName];
