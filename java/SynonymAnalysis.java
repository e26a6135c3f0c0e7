// Synonym Lens's analysis helper: runs the terms of synonym rules and sample queries through a
// real Lucene analyzer, the way a search engine's index would, for the language server.
//
// Usage: java -cp <lucene jars> SynonymAnalysis.java <analyzer>
//   analyzer: standard | english | cjk | smartcn | icu | whitespace
//
// One long-lived process per analyzer. It reads one JSON request per line on stdin and writes one
// JSON answer per line on stdout, with the request's id:
//   {"id":1,"op":"analyze","terms":["普拉多","the"]}
//     -> {"id":1,"tokens":[["普","拉","多"],[]]}
//   {"id":2,"op":"expand","rules":"<Solr synonyms text>","query":"普拉多 油耗"}
//     -> {"id":2,"tokens":[{"term":"霸道","type":"SYNONYM","position":0,"positionLength":1,"start":0,"end":3},…]}
//        (the token graph SynonymGraphFilter makes of the query with those rules), or
//     -> {"id":2,"error":"Invalid synonym rule at line 3: …"} when Lucene refuses the rules.
// The first line it writes is {"ready":true,"analyzer":"<name>"} once the analyzer is built, or
// {"fatal":"<why>"} (then it exits): a class missing from the class path, an unknown analyzer.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.tokenattributes.*;

public class SynonymAnalysis {
  static Analyzer analyzer(String name) throws Exception {
    switch (name) {
      case "standard": return new org.apache.lucene.analysis.standard.StandardAnalyzer();
      case "english": return new org.apache.lucene.analysis.en.EnglishAnalyzer();
      case "cjk": return new org.apache.lucene.analysis.cjk.CJKAnalyzer();
      case "whitespace": return new org.apache.lucene.analysis.core.WhitespaceAnalyzer();
      // By name, so that a class path without these jars still runs the other analyzers.
      case "smartcn": return (Analyzer) Class.forName("org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer").getDeclaredConstructor().newInstance();
      case "icu": return icuAnalyzer();
      default: throw new IllegalArgumentException("unknown analyzer " + name + " (standard, english, cjk, smartcn, icu, whitespace)");
    }
  }

  /**
   * ICU tokenization with ICU case folding and normalisation (what Elasticsearch's analysis-icu
   * plugin offers). By reflection: the helper compiles without lucene-analyzers-icu and icu4j.
   */
  static Analyzer icuAnalyzer() throws Exception {
    Class<?> tokenizer = Class.forName("org.apache.lucene.analysis.icu.segmentation.ICUTokenizer");
    java.lang.reflect.Constructor<?> folding = Class.forName("org.apache.lucene.analysis.icu.ICUFoldingFilter").getConstructor(TokenStream.class);
    Class.forName("com.ibm.icu.text.Normalizer2");
    return new Analyzer() {
      @Override protected TokenStreamComponents createComponents(String field) {
        try {
          org.apache.lucene.analysis.Tokenizer t = (org.apache.lucene.analysis.Tokenizer) tokenizer.getDeclaredConstructor().newInstance();
          return new TokenStreamComponents(t, (TokenStream) folding.newInstance(t));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /**
   * An exception in words, with its root cause: reflection and class initialisation wrap the real
   * problem ("ExceptionInInitializerError: null" says nothing; its cause names the bad ICU data).
   */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String top = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    return root == e ? top : top + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    Analyzer a;
    try {
      a = analyzer(args.length > 0 ? args[0] : "standard");
      a.tokenStream("f", "warm up").close();
    } catch (Throwable e) {
      out.println("{\"fatal\":" + json(describe(e)) + "}");
      System.exit(2);
      return;
    }
    out.println("{\"ready\":true,\"analyzer\":" + json(args.length > 0 ? args[0] : "standard") + "}");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      Object id = null;
      String answer;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> req = (Map<String, Object>) new Json(line).value();
        id = req.get("id");
        String op = (String) req.get("op");
        if ("analyze".equals(op)) answer = "\"tokens\":" + analyzeAll(a, req.get("terms"));
        else if ("expand".equals(op)) answer = expand(a, (String) req.get("rules"), (String) req.get("query"));
        else answer = "\"error\":" + json("unknown op " + op);
      } catch (Throwable e) {
        answer = "\"error\":" + json(describe(e));
      }
      out.println("{\"id\":" + (id instanceof Number ? String.valueOf(((Number) id).longValue()) : "null") + "," + answer + "}");
    }
  }

  static String analyzeAll(Analyzer a, Object terms) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    List<?> list = (List<?>) terms;
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append('[');
      try (TokenStream ts = a.tokenStream("f", (String) list.get(i))) {
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        ts.reset();
        boolean first = true;
        while (ts.incrementToken()) {
          if (!first) sb.append(',');
          first = false;
          sb.append(json(term.toString()));
        }
        ts.end();
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  static String expand(Analyzer a, String rules, String query) throws Exception {
    SolrSynonymParser parser = new SolrSynonymParser(true, true, a);
    try {
      parser.parse(new StringReader(rules));
    } catch (java.text.ParseException e) {
      Throwable cause = e.getCause();
      return "\"error\":" + json(e.getMessage() + (cause != null ? ": " + cause.getMessage() : ""));
    }
    SynonymMap map = parser.build();
    StringBuilder sb = new StringBuilder("\"tokens\":[");
    try (TokenStream ts = map.fst == null ? a.tokenStream("f", query) : new SynonymGraphFilter(a.tokenStream("f", query), map, true)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
      TypeAttribute type = ts.addAttribute(TypeAttribute.class);
      OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      int position = -1;
      boolean first = true;
      while (ts.incrementToken()) {
        position += inc.getPositionIncrement();
        if (!first) sb.append(',');
        first = false;
        sb.append("{\"term\":").append(json(term.toString())).append(",\"type\":").append(json(type.type()))
          .append(",\"position\":").append(position).append(",\"positionLength\":").append(len.getPositionLength())
          .append(",\"start\":").append(off.startOffset()).append(",\"end\":").append(off.endOffset()).append('}');
      }
      ts.end();
    }
    return sb.append(']').toString();
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

  /** A minimal JSON reader for the requests (objects, arrays, strings, numbers, true/false/null). */
  static final class Json {
    final String s;
    int i;
    Json(String s) { this.s = s; }

    Object value() {
      skip();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new HashMap<>();
        i++;
        skip();
        if (s.charAt(i) == '}') { i++; return m; }
        while (true) {
          skip();
          String k = string();
          skip();
          expect(':');
          m.put(k, value());
          skip();
          if (s.charAt(i) == ',') { i++; continue; }
          expect('}');
          return m;
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        skip();
        if (s.charAt(i) == ']') { i++; return l; }
        while (true) {
          l.add(value());
          skip();
          if (s.charAt(i) == ',') { i++; continue; }
          expect(']');
          return l;
        }
      }
      if (c == '"') return string();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      if (start == i) throw new IllegalArgumentException("bad JSON at " + i);
      return Double.parseDouble(s.substring(start, i));
    }

    String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') return sb.toString();
        if (c != '\\') { sb.append(c); continue; }
        char e = s.charAt(i++);
        switch (e) {
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
          default: sb.append(e);
        }
      }
    }

    void expect(char c) {
      if (s.charAt(i) != c) throw new IllegalArgumentException("bad JSON at " + i + ": expected " + c);
      i++;
    }

    void skip() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
  }
}
