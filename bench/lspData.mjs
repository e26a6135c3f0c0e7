// The generated data of bench/lsp.mjs, shared with bench/knnBounds.mjs (which measures search
// bounds on the same vocabulary): words over 30 characters, the 20,000-pair dictionary, and the
// 100,000-term vocabulary file's terms.

const syl = '安百城大东方光海和华金京丽龙美明南平普奇清荣山盛泰天通万文祥新兴阳雅远月中';

/** The i-th word: i written in base 30 with one character per digit. */
export const word = (i) => {
  let s = '';
  do {
    s += syl[i % syl.length];
    i = Math.floor(i / syl.length);
  } while (i > 0);
  return s;
};

// A curated-looking dictionary: most positive pairs share a stem (the model agrees), one row in
// ten pairs unrelated words (flagged), one in five is a label-0 pair. So diagnostics are a
// minority, as in a real file, rather than 20,000 warnings.
export function dictionary(rows) {
  const lines = ['term,synonym,label'];
  for (let i = 0; i < rows; i++) {
    const stem = word(i);
    if (i % 5 === 0) lines.push(`${stem}车,${word(i * 7 + 3)}路,0`);
    else if (i % 10 === 1) lines.push(`${stem}车,${word(i * 13 + 5)}路,1`);
    else lines.push(`${stem}车,${stem}汽车,1`);
  }
  return lines.join('\n') + '\n';
}

/** The vocabulary file's terms. */
export function vocabularyTerms(count) {
  const vocab = [];
  for (let i = 0; i < count; i++) vocab.push(`${word(i + 1_000_000)}${i % 2 ? '站' : '街'}`);
  return vocab;
}
