/** The class path of the Lucene jars, installing a JDK and `liblucene8-java` via apt-get when missing. */
export function ensureLucene(): string;
/** Lucene's ICU analysis jar and Debian's icu4j, installing `libicu4j-java` via apt-get when missing. */
export function ensureIcu(): string[];
