// Parses the small subset of Python literal syntax used by the bvv241 n-gram files (repr of lists, dicts,
// tuples, str and int). Used only by the generator script, never at run time.

export function parsePythonLiteral(src, source = 'input') {
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`${source}: ${what} at offset ${i} (near ${JSON.stringify(src.slice(i, i + 20))})`);
  };
  const ws = () => { while (i < src.length && /\s/.test(src[i])) i++; };
  function value() {
    ws();
    const c = src[i];
    if (c === '[' || c === '(') return seq(c === '[' ? ']' : ')');
    if (c === '{') return dict();
    if (c === "'" || c === '"') return str();
    if (c === '-' || (c >= '0' && c <= '9')) return int();
    return fail('unexpected character');
  }
  function seq(close) {
    i++; const out = [];
    for (;;) {
      ws();
      if (src[i] === close) { i++; return out; }
      out.push(value()); ws();
      if (src[i] === ',') { i++; continue; }
      if (src[i] === close) { i++; return out; }
      fail(`expected , or ${close}`);
    }
  }
  function dict() {
    i++; const out = new Map();
    for (;;) {
      ws();
      if (src[i] === '}') { i++; return out; }
      const k = value(); ws();
      if (src[i] !== ':') fail('expected :');
      i++;
      out.set(k, value()); ws();
      if (src[i] === ',') { i++; continue; }
      if (src[i] === '}') { i++; return out; }
      fail('expected , or }');
    }
  }
  function int() {
    const m = /^-?\d+/.exec(src.slice(i, i + 32));
    if (!m) fail('bad integer');
    i += m[0].length; return Number(m[0]);
  }
  function str() {
    const q = src[i++]; let out = '';
    for (;;) {
      if (i >= src.length) fail('unterminated string');
      const c = src[i++];
      if (c === q) return out;
      if (c !== '\\') { out += c; continue; }
      const e = src[i++];
      const simple = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
      if (e in simple) out += simple[e];
      else if (e === 'x') { out += String.fromCharCode(parseInt(src.slice(i, i + 2), 16)); i += 2; }
      else if (e === 'u') { out += String.fromCharCode(parseInt(src.slice(i, i + 4), 16)); i += 4; }
      else if (e === 'U') { out += String.fromCodePoint(parseInt(src.slice(i, i + 8), 16)); i += 8; }
      else fail(`unknown escape \\${e}`);
    }
  }
  const v = value(); ws();
  if (i !== src.length) fail('trailing data');
  return v;
}
