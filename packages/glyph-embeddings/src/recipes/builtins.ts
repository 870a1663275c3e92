// Registers the built-in recipes on first use (no import side effects, so bundlers with sideEffects:false keep
// them): the bvv241 recipes, plus every Recipe in `extraRecipes` exported by ../extras.ts (shaped, ablations, ...).
import * as extras from '../extras.js';
import { BVV241_RECIPES } from './bvv241.js';
import { listRecipes, registerRecipe, type Recipe } from './registry.js';

let done = false;

function isRecipe(v: unknown): v is Recipe {
  return !!v && typeof v === 'object' && typeof (v as Recipe).name === 'string' && typeof (v as Recipe).produceRows === 'function';
}

/** Idempotent: registers built-in recipes that are not registered yet (an explicit registerRecipe wins). */
export function ensureBuiltinRecipes(): void {
  if (done) return;
  done = true;
  const have = new Set(listRecipes());
  const extra = (extras as Record<string, unknown>).extraRecipes;
  const all: unknown[] = [...BVV241_RECIPES, ...(Array.isArray(extra) ? extra : [])];
  for (const r of all) if (isRecipe(r) && !have.has(r.name)) registerRecipe(r);
}
