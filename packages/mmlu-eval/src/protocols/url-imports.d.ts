// Vite's `?url` imports (used by the browser test to locate tfjs's .wasm files).
declare module '*?url' {
  const url: string;
  export default url;
}
