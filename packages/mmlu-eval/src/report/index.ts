// report: public exports of src/report (browser-safe): JSON, markdown tables and SVG charts of results.
export { pct, ciText, resultLabel } from './format.js';
export * from './json.js';
export * from './markdown.js';
export * from './svg.js';
