// Installs (once, as root via apt-get, like the e2e suite's Chromium) and locates what the Lucene
// comparison needs: a JDK and Debian's Lucene 8.7 jars.
import { existsSync } from 'node:fs';
import { aptInstall } from '../e2e/tools.mjs';

const JARS = ['lucene-core-8.7.0.jar', 'lucene-analyzers-common-8.7.0.jar', 'lucene-analyzers-smartcn-8.7.0.jar'];

/** The class path of the Lucene jars, installing `default-jdk-headless` and `liblucene8-java` when missing. */
export function ensureLucene() {
  const jars = JARS.map((j) => `/usr/share/java/${j}`);
  if (!jars.every(existsSync) || !existsSync('/usr/bin/java')) aptInstall(['default-jdk-headless', 'liblucene8-java']);
  const missing = jars.filter((j) => !existsSync(j));
  if (missing.length) throw new Error(`Lucene jars not found after apt-get install: ${missing.join(', ')}`);
  return jars.join(':');
}

/**
 * Lucene's ICU analysis jar plus Debian's icu4j (`libicu4j-java`, installed when missing). Debian's
 * icu4j may be older than the ICU that Lucene's jar was built with; the helper then says why.
 */
export function ensureIcu() {
  const jars = ['/usr/share/java/lucene-analyzers-icu-8.7.0.jar', '/usr/share/java/icu4j.jar'];
  if (!jars.every(existsSync)) aptInstall(['libicu4j-java']);
  const missing = jars.filter((j) => !existsSync(j));
  if (missing.length) throw new Error(`ICU jars not found after apt-get install: ${missing.join(', ')}`);
  return jars;
}
