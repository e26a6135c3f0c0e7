/** Synonym discovery: term lists, the attribute stop-list, spelling-variant kinds and the ranking. */
export * from './termList';
export * from './attributes';
export * from './kinds';
export * from './suggest';
