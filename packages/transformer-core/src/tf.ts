// The one place that loads tfjs-core with every gradient and chained op registered, plus the cpu and wasm
// backends. Everything else in the package imports `tf` from here so the registrations always happen. tfjs is a peer
// dependency: this is the user's instance (dist/ bundles only the two registration modules against it, see
// scripts/tfjs-external.mjs).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
