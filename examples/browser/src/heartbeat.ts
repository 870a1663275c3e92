// Measures how long the page's main thread went without running a timer (the longest gap, in ms), so the test
// can check that training and generation never freeze the page. Exposed as window.glyphlmHeartbeat.
let last = performance.now();
let maxGapMs = 0;
setInterval(() => {
  const t = performance.now();
  maxGapMs = Math.max(maxGapMs, t - last);
  last = t;
}, 20);

export const heartbeat = {
  get maxGapMs() { return maxGapMs; },
  reset() { maxGapMs = 0; last = performance.now(); },
};
(globalThis as { glyphlmHeartbeat?: typeof heartbeat }).glyphlmHeartbeat = heartbeat;
