// Registers the built-in recipes on first use (no import side effects, so bundlers with sideEffects:false keep
// them). The list is explicit: the three bvv241 variants, `shaped`, and the three ablation recipes. A new built-in
// recipe is added here by name (nothing is discovered by scanning a module's exports).
import { idBitsRecipe, randomBinaryRecipe, randomFloatRecipe } from '../ablations/recipes.js';
import { shapedRecipe } from '../shaped/recipe.js';
import { BVV241_RECIPES } from './bvv241.js';
import { listRecipes, registerRecipe, type Recipe } from './registry.js';

/** Every built-in recipe, in registration order. */
const BUILTIN_RECIPES: readonly Recipe[] = [...BVV241_RECIPES, shapedRecipe, randomBinaryRecipe, idBitsRecipe, randomFloatRecipe];

let done = false;

/** Idempotent: registers built-in recipes that are not registered yet (an explicit registerRecipe wins). */
export function ensureBuiltinRecipes(): void {
  if (done) return;
  done = true;
  const have = new Set(listRecipes());
  for (const recipe of BUILTIN_RECIPES) if (!have.has(recipe.name)) registerRecipe(recipe);
}
