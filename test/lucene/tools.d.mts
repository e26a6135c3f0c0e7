/** The class path of the Lucene jars, installing a JDK and `liblucene8-java` via apt-get when missing. */
export function ensureLucene(): string;
