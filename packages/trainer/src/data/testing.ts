// Seeded synthetic multilingual text for tests and benches: words drawn from syllables of many scripts, so the
// text never repeats and every tokenizer sees fresh words (no word cache can help). Not exported by index.ts.

/** A small seeded PRNG (mulberry32): returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Letters of several scripts (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, CJK, Thai, Armenian). */
const SCRIPTS: string[] = [
  'abcdefghijklmnoprstuvyzáéíóúäöüñç',
  'абвгдежзийклмнопрстуфхцчшщыэюя',
  'αβγδεζηθικλμνξοπρστυφχψω',
  'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  'אבגדהוזחטיכלמנסעפצקרשת',
  'कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह',
  '가나다라마바사아자차카타파하각난닫람맘밥삿앙잦찿',
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年',
  'กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ',
  'աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ',
];

/** `count` documents of about `meanChars` characters each (between half and 1.5x), deterministic in `seed`. */
export function seededDocuments(seed: number, count: number, meanChars: number): string[] {
  const rnd = mulberry32(seed);
  const docs: string[] = [];
  for (let d = 0; d < count; d++) {
    const want = Math.floor(meanChars * (0.5 + rnd()));
    const script = SCRIPTS[Math.floor(rnd() * SCRIPTS.length)];
    let s = '';
    while (s.length < want) {
      const len = 1 + Math.floor(rnd() * 9);
      for (let i = 0; i < len; i++) s += script[Math.floor(rnd() * script.length)];
      const r = rnd();
      s += r < 0.08 ? '. ' : r < 0.12 ? ', ' : r < 0.14 ? '\n' : ' ';
    }
    docs.push(s);
  }
  return docs;
}
