// Vite `?url` asset imports (the .wasm files of transformer-core's dist) used by the browser tests.
declare module '*?url' {
  const url: string;
  export default url;
}
