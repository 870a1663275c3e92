// Tests of the subject -> category mapping of the original script.
import { describe, expect, it } from 'vitest';
import { MMLU_CATEGORIES, MMLU_CATEGORY_SUBCATEGORIES, MMLU_SUBCATEGORY, MMLU_SUBJECTS, mmluCategory, subjectTitle } from './subjects.js';

describe('MMLU subjects and categories', () => {
  it('maps all 57 subjects to one of the four categories', () => {
    expect(MMLU_SUBJECTS.length).toBe(57);
    const counts: Record<string, number> = {};
    for (const s of MMLU_SUBJECTS) {
      const c = mmluCategory(s);
      expect(MMLU_CATEGORIES, s).toContain(c);
      counts[c!] = (counts[c!] ?? 0) + 1;
    }
    expect(counts).toEqual({ STEM: 18, humanities: 13, 'social sciences': 12, other: 14 });
  });

  it('uses every subcategory exactly once across categories', () => {
    const subs = MMLU_CATEGORIES.flatMap((c) => MMLU_CATEGORY_SUBCATEGORIES[c]);
    expect(new Set(subs).size).toBe(subs.length);
    expect(new Set(Object.values(MMLU_SUBCATEGORY))).toEqual(new Set(subs));
  });

  it('spot-checks the grouping of the original script', () => {
    expect(mmluCategory('anatomy')).toBe('other'); // health -> other (unlike lm-eval's STEM group)
    expect(mmluCategory('high_school_statistics')).toBe('STEM');
    expect(mmluCategory('professional_law')).toBe('humanities');
    expect(mmluCategory('human_sexuality')).toBe('social sciences');
    expect(mmluCategory('arc-easy')).toBeUndefined();
    expect(subjectTitle('high_school_us_history')).toBe('high school us history');
  });
});
