// The 57 MMLU subjects and the grouping of the original hendrycks/test script: each subject has one
// subcategory, and the subcategories form four categories (STEM, humanities, social sciences, other).

/** Subject -> subcategory, as in the original script's categories description. */
export const MMLU_SUBCATEGORY: Readonly<Record<string, string>> = Object.freeze({
  abstract_algebra: 'math',
  anatomy: 'health',
  astronomy: 'physics',
  business_ethics: 'business',
  clinical_knowledge: 'health',
  college_biology: 'biology',
  college_chemistry: 'chemistry',
  college_computer_science: 'computer science',
  college_mathematics: 'math',
  college_medicine: 'health',
  college_physics: 'physics',
  computer_security: 'computer science',
  conceptual_physics: 'physics',
  econometrics: 'economics',
  electrical_engineering: 'engineering',
  elementary_mathematics: 'math',
  formal_logic: 'philosophy',
  global_facts: 'other',
  high_school_biology: 'biology',
  high_school_chemistry: 'chemistry',
  high_school_computer_science: 'computer science',
  high_school_european_history: 'history',
  high_school_geography: 'geography',
  high_school_government_and_politics: 'politics',
  high_school_macroeconomics: 'economics',
  high_school_mathematics: 'math',
  high_school_microeconomics: 'economics',
  high_school_physics: 'physics',
  high_school_psychology: 'psychology',
  high_school_statistics: 'math',
  high_school_us_history: 'history',
  high_school_world_history: 'history',
  human_aging: 'health',
  human_sexuality: 'culture',
  international_law: 'law',
  jurisprudence: 'law',
  logical_fallacies: 'philosophy',
  machine_learning: 'computer science',
  management: 'business',
  marketing: 'business',
  medical_genetics: 'health',
  miscellaneous: 'other',
  moral_disputes: 'philosophy',
  moral_scenarios: 'philosophy',
  nutrition: 'health',
  philosophy: 'philosophy',
  prehistory: 'history',
  professional_accounting: 'other',
  professional_law: 'law',
  professional_medicine: 'health',
  professional_psychology: 'psychology',
  public_relations: 'politics',
  security_studies: 'politics',
  sociology: 'culture',
  us_foreign_policy: 'politics',
  virology: 'health',
  world_religions: 'philosophy',
});

/** The four categories, in the order the original README's leaderboard lists them. */
export const MMLU_CATEGORIES = ['STEM', 'humanities', 'social sciences', 'other'] as const;
export type MmluCategory = (typeof MMLU_CATEGORIES)[number];

/** Category -> subcategories (the original names the last one "other (business, health, misc.)"). */
export const MMLU_CATEGORY_SUBCATEGORIES: Readonly<Record<MmluCategory, readonly string[]>> = Object.freeze({
  STEM: ['physics', 'chemistry', 'biology', 'computer science', 'math', 'engineering'],
  humanities: ['history', 'philosophy', 'law'],
  'social sciences': ['politics', 'culture', 'economics', 'geography', 'psychology'],
  other: ['other', 'business', 'health'],
});

/** The 57 subjects in alphabetical order (the order of the original file listing). */
export const MMLU_SUBJECTS: readonly string[] = Object.freeze(Object.keys(MMLU_SUBCATEGORY).sort());

const categoryOfSubcategory = new Map<string, MmluCategory>();
for (const cat of MMLU_CATEGORIES) for (const sub of MMLU_CATEGORY_SUBCATEGORIES[cat]) categoryOfSubcategory.set(sub, cat);

/** The category of an MMLU subject, or undefined for a subject outside MMLU (ARC, CommonsenseQA, ...). */
export function mmluCategory(subject: string): MmluCategory | undefined {
  const sub = MMLU_SUBCATEGORY[subject];
  return sub === undefined ? undefined : categoryOfSubcategory.get(sub);
}

/** 'high_school_us_history' -> 'high school us history' (as the harness's description writes it). */
export function subjectTitle(subject: string): string {
  return subject.replace(/_/g, ' ');
}
