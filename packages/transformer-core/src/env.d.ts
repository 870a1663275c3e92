// Vite `?url` asset imports used by the browser tests.
declare module '*?url' {
  const url: string;
  export default url;
}
