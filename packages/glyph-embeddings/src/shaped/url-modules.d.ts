// Vite `?url` imports (browser tests fetch font files through the dev server).
declare module '*?url' {
  const url: string;
  export default url;
}
