// Node adapter: evaluate part (the on-disk request cache that makes long evaluations resumable).
export { fileRequestCache, cacheLine, type FileRequestStore, type FileRequestCache } from './evaluate-file-cache.js';
