/**
 * Fonts for report PDFs, from npm font packages, with per-character
 * fallback so text in any of their scripts renders, and mixed-script text
 * too: Noto Sans (Latin, Greek, Cyrillic, Vietnamese, Devanagari), Noto Sans
 * Hans (Chinese, Japanese kana and most kanji) and Noto Naskh Arabic.
 *
 * The files are read and parsed once per process; pdfmake then embeds only
 * the glyphs a document uses.
 *
 * @module
 */
import { create as parseFont } from "fontkit";
import pdfmake from "pdfmake";

/** A pdfmake font family name registered by {@linkcode loadReportFonts}. */
export type FontFamily = "NotoSans" | "NotoSansHans" | "NotoNaskhArabic";

/** A piece of text that one font family can show. */
export interface FontRun {
  text: string;
  font: FontFamily;
}

interface FontFiles {
  family: FontFamily;
  regular: URL;
  bold: URL;
}

function packageFont(packageName: string, file: string): URL {
  // The packages export only their index module; the font files sit beside it.
  return new URL(`../fonts/${file}`, import.meta.resolve(packageName));
}

// In fallback order: the first family that has a character's glyph shows it.
const FAMILIES: FontFiles[] = [
  {
    family: "NotoSans",
    regular: packageFont("@embedpdf/fonts-latin", "NotoSans-Regular.ttf"),
    bold: packageFont("@embedpdf/fonts-latin", "NotoSans-Bold.ttf"),
  },
  {
    // The bold CJK face would add 8.6 MB to every process for headings only.
    family: "NotoSansHans",
    regular: packageFont("@embedpdf/fonts-sc", "NotoSansHans-Regular.otf"),
    bold: packageFont("@embedpdf/fonts-sc", "NotoSansHans-Regular.otf"),
  },
  {
    family: "NotoNaskhArabic",
    regular: packageFont("@embedpdf/fonts-arabic", "NotoNaskhArabic-Regular.ttf"),
    bold: packageFont("@embedpdf/fonts-arabic", "NotoNaskhArabic-Bold.ttf"),
  },
];

/** The registered families, with what each can show. */
export interface ReportFonts {
  /**
   * Splits `text` into runs that one family each can show, trying the
   * families in order for every character. Spaces and combining marks stay
   * with the run around them; a character no family has (Hangul, emoji)
   * becomes U+FFFD, which shows and extracts as "unrepresentable" rather
   * than as an empty box that extracts as nothing.
   */
  runs(text: string): FontRun[];
}

interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

let loading: Promise<ReportFonts> | undefined;

/**
 * Reads the font files into pdfmake's in-memory file system and registers
 * the families, once per process: later calls share the first.
 */
export function loadReportFonts(): Promise<ReportFonts> {
  loading ??= readFonts().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function readFonts(): Promise<ReportFonts> {
  const coverage: { family: FontFamily; font: FontkitFont }[] = [];
  const families: Record<string, Record<string, string>> = {};
  for (const { family, regular, bold } of FAMILIES) {
    const regularName = regular.pathname.split("/").pop()!;
    const boldName = bold.pathname.split("/").pop()!;
    const regularBytes = await Deno.readFile(regular);
    pdfmake.virtualfs.writeFileSync(regularName, regularBytes);
    if (boldName !== regularName) {
      pdfmake.virtualfs.writeFileSync(boldName, await Deno.readFile(bold));
    }
    families[family] = {
      normal: regularName,
      bold: boldName,
      italics: regularName,
      bolditalics: boldName,
    };
    // fontkit parses tables lazily: a coverage check reads only the character map.
    coverage.push({ family, font: parseFont(regularBytes) });
  }
  pdfmake.setFonts(families);
  // Reports show only text: nothing may be fetched or read from anywhere else.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  return { runs: (text) => splitRuns(coverage, text) };
}

// The first family has it: it is what a character that no family has becomes.
const REPLACEMENT = "\uFFFD";

function splitRuns(coverage: { family: FontFamily; font: FontkitFont }[], text: string): FontRun[] {
  const runs: FontRun[] = [];
  for (let character of text) {
    const current = runs.at(-1);
    let family = current && /[\s\p{M}]/u.test(character)
      ? current.font
      : coverage.find(({ font }) => font.hasGlyphForCodePoint(character.codePointAt(0)!))?.family;
    if (!family) [character, family] = [REPLACEMENT, coverage[0].family];
    if (current?.font === family) current.text += character;
    else runs.push({ text: character, font: family });
  }
  return runs.flatMap((run) => RIGHT_TO_LEFT.has(run.font) ? wordsRightToLeft(run) : [run]);
}

const RIGHT_TO_LEFT = new Set<FontFamily>(["NotoNaskhArabic"]);

/**
 * fontkit shapes a right-to-left word and lays its letters out in visual
 * order, but pdfmake places words left to right, and a space inside a word
 * would land on its wrong side: so words become runs of their own, in
 * reverse. A phrase on one line (a name) then reads right; a paragraph that
 * wraps keeps its lines in reverse order, for want of bidi line layout.
 */
function wordsRightToLeft(run: FontRun): FontRun[] {
  const [, before, inner, after] = /^(\s*)(.*?)(\s*)$/su.exec(run.text)!;
  return [before, ...inner.split(/(\s+)/).reverse(), after].filter(Boolean)
    .map((text) => ({ text, font: run.font }));
}
