// The name of the Cache Storage cache that holds MNIST chunks. The service worker caches
// chunks there as they are fetched (sw.ts), and the chunk loader stores and finds them there
// so that the widgets of one page download each chunk once (chunks.ts, getShared).
export const DATA_CACHE = 'firstnet-data';
