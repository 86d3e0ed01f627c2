export * from './actions.ts';
export * from './constants.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './json-object.ts';
export * from './records.ts';
export * from './tracker.ts';
export * from './validate.ts';
