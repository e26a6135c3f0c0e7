// Reads Solr-format synonym files with Lucene's own SolrSynonymParser and prints, per file and per
// `expand` setting, one JSON line: the mappings the parser adds to its synonym map, in order, or
// the error with which Lucene refuses the file. One JVM serves every file of a test run.
//
// Usage: java -cp <lucene jars> SynonymOracle.java <list file>   (one path per line)
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.util.CharsRef;

public class SynonymOracle {
  /** The parser, recording each mapping it adds before the builder deduplicates them. */
  static final class Recording extends SolrSynonymParser {
    final List<String> adds = new ArrayList<>();
    Recording(boolean expand, Analyzer analyzer) { super(true, expand, analyzer); }
    @Override public void add(CharsRef input, CharsRef output, boolean includeOrig) {
      adds.add("[" + json(input.toString()) + "," + json(output.toString()) + "," + includeOrig + "]");
      super.add(input, output, includeOrig);
    }
  }

  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }

  public static void main(String[] args) throws Exception {
    Analyzer analyzer = new WhitespaceAnalyzer();
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
    for (String path : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
      if (path.isEmpty()) continue;
      for (boolean expand : new boolean[] {true, false}) {
        Recording p = new Recording(expand, analyzer);
        String result;
        try (Reader in = new InputStreamReader(new FileInputStream(path), StandardCharsets.UTF_8)) {
          p.parse(in);
          p.build();
          result = "\"adds\":[" + String.join(",", p.adds) + "]";
        } catch (java.text.ParseException e) {
          Throwable cause = e.getCause();
          result = "\"error\":" + json(e.getMessage() + (cause != null ? ": " + cause.getMessage() : ""));
        }
        out.println("{\"file\":" + json(path) + ",\"expand\":" + expand + "," + result + "}");
      }
    }
    out.flush();
  }
}
