/**
 * A small ZIP reader for untrusted uploads (DOCX files are ZIP archives).
 *
 * It reads only what a DOCX needs: the central directory, and single entries
 * that are stored or deflated. Every offset and length is bounds-checked, and
 * inflated output is capped while it streams, because the sizes an archive
 * declares are attacker-controlled (zip bombs lie about them).
 *
 * @module
 */
import { crc32, readStreamCapped } from "../media/bytes.ts";

/** Thrown for archives that are truncated, corrupt, or use features this reader refuses. */
export class ZipError extends Error {
  /** Creates a ZipError; `options.cause` keeps the underlying failure. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ZipError";
  }
}

/** One file as the central directory describes it. Sizes are as declared, not verified. */
export interface ZipEntry {
  /** Path inside the archive, e.g. `word/document.xml`. */
  name: string;
  /** Compression method: 0 stored, 8 deflate; anything else is refused when read. */
  method: number;
  /** General purpose bit flags; bit 0 means encrypted. */
  flags: number;
  /** CRC-32 of the uncompressed data. */
  crc32: number;
  /** Size of the stored (possibly compressed) data in the archive. */
  compressedSize: number;
  /** Declared size after inflating; {@linkcode readZipEntry} checks it rather than trusting it. */
  uncompressedSize: number;
  /** Byte offset of the entry's local file header. */
  localHeaderOffset: number;
}

/** Limits for {@linkcode readZipEntry}. */
export interface ReadZipEntryOptions {
  /** Reading fails as soon as the uncompressed output would exceed this many bytes. */
  maxBytes: number;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const EOCD_SIZE = 22;
/** The EOCD record may be followed by a comment of up to 65 535 bytes. */
const EOCD_SEARCH_WINDOW = EOCD_SIZE + 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/**
 * Deflate expands at most about 1032:1, so feeding small input slices keeps
 * each output chunk to a few megabytes and lets the size cap trip early.
 */
const INFLATE_INPUT_CHUNK = 4096;

/**
 * Lists the entries of a ZIP archive from its central directory.
 *
 * @throws {ZipError} if the archive is truncated or corrupt, spans several disks, or is ZIP64.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const diskNumber = view.getUint16(eocd + 4, true);
  const centralDirectoryDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const entryCount = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);

  if (
    entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff
  ) {
    throw new ZipError("ZIP64 archives are not supported.");
  }
  if (diskNumber !== 0 || centralDirectoryDisk !== 0 || entriesOnDisk !== entryCount) {
    throw new ZipError("Multi-part (spanned) ZIP archives are not supported.");
  }
  if (directoryOffset + directorySize > eocd) {
    throw new ZipError("The ZIP archive is truncated: its central directory is incomplete.");
  }

  const names = new TextDecoder();
  const entries: ZipEntry[] = [];
  let position = directoryOffset;
  const directoryEnd = directoryOffset + directorySize;
  for (let index = 0; index < entryCount; index++) {
    if (position + CENTRAL_HEADER_SIZE > directoryEnd) {
      throw new ZipError("The ZIP archive is corrupt: its central directory ends early.");
    }
    if (view.getUint32(position, true) !== CENTRAL_HEADER_SIGNATURE) {
      throw new ZipError("The ZIP archive is corrupt: bad central directory entry signature.");
    }
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    const recordEnd = position + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (recordEnd > directoryEnd) {
      throw new ZipError("The ZIP archive is corrupt: a central directory entry overruns it.");
    }
    const entry: ZipEntry = {
      // Names are looked up by their ASCII part names; CP437 and UTF-8 agree on ASCII.
      name: names.decode(
        bytes.subarray(position + CENTRAL_HEADER_SIZE, position + CENTRAL_HEADER_SIZE + nameLength),
      ),
      flags: view.getUint16(position + 8, true),
      method: view.getUint16(position + 10, true),
      crc32: view.getUint32(position + 16, true),
      compressedSize: view.getUint32(position + 20, true),
      uncompressedSize: view.getUint32(position + 24, true),
      localHeaderOffset: view.getUint32(position + 42, true),
    };
    if (
      entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff ||
      entry.localHeaderOffset === 0xffffffff
    ) {
      throw new ZipError(`ZIP64 entries are not supported (entry "${entry.name}").`);
    }
    entries.push(entry);
    position = recordEnd;
  }
  return entries;
}

/**
 * Returns the uncompressed bytes of the entry called `name`, verifying its
 * size and CRC-32 against the central directory.
 *
 * Output is counted while it is inflated, so an entry that expands beyond
 * `options.maxBytes` fails without ever holding more than about that much.
 *
 * @throws {ZipError} if the entry is missing, encrypted, uses an unsupported
 * method, is corrupt or truncated, or would exceed `options.maxBytes`.
 */
export async function readZipEntry(
  bytes: Uint8Array,
  name: string,
  options: ReadZipEntryOptions,
): Promise<Uint8Array> {
  const entry = listZipEntries(bytes).find((candidate) => candidate.name === name);
  if (!entry) throw new ZipError(`The ZIP archive has no entry "${name}".`);
  if (entry.flags & FLAG_ENCRYPTED) {
    throw new ZipError(
      `The ZIP entry "${name}" is encrypted; encrypted archives are not supported.`,
    );
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    throw new ZipError(
      `The ZIP entry "${name}" uses compression method ${entry.method}; only stored (0) and deflate (8) are supported.`,
    );
  }

  const compressed = entryData(bytes, entry);
  const data = entry.method === METHOD_STORED
    ? storedData(compressed, entry, options.maxBytes)
    : await inflateCapped(compressed, entry, options.maxBytes);

  if (data.byteLength !== entry.uncompressedSize) {
    throw new ZipError(
      `The ZIP entry "${name}" is corrupt: it holds ${data.byteLength} bytes but declares ${entry.uncompressedSize}.`,
    );
  }
  if (crc32(data) !== entry.crc32) {
    throw new ZipError(`The ZIP entry "${name}" is corrupt: its CRC-32 checksum does not match.`);
  }
  return data;
}

function findEndOfCentralDirectory(view: DataView): number {
  if (view.byteLength < EOCD_SIZE) {
    throw new ZipError("The ZIP archive is truncated: it is too short to hold a directory.");
  }
  const lowest = Math.max(0, view.byteLength - EOCD_SEARCH_WINDOW);
  for (let offset = view.byteLength - EOCD_SIZE; offset >= lowest; offset--) {
    if (view.getUint32(offset, true) !== EOCD_SIGNATURE) continue;
    // The signature bytes can occur inside the comment or data; the comment
    // length must account for the rest of the file for this to be the record.
    const commentLength = view.getUint16(offset + 20, true);
    if (offset + EOCD_SIZE + commentLength <= view.byteLength) return offset;
  }
  throw new ZipError(
    "The ZIP archive is truncated or corrupt: its end of central directory record is missing.",
  );
}

function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = entry.localHeaderOffset;
  if (header + LOCAL_HEADER_SIZE > bytes.byteLength) {
    throw new ZipError(`The ZIP archive is truncated: the entry "${entry.name}" is missing.`);
  }
  if (view.getUint32(header, true) !== LOCAL_HEADER_SIGNATURE) {
    throw new ZipError(`The ZIP archive is corrupt: bad local header for "${entry.name}".`);
  }
  // The local name and extra field may differ in length from the central copies.
  const start = header + LOCAL_HEADER_SIZE + view.getUint16(header + 26, true) +
    view.getUint16(header + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) {
    throw new ZipError(`The ZIP archive is truncated: the entry "${entry.name}" is cut short.`);
  }
  return bytes.subarray(start, end);
}

function storedData(data: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  if (data.byteLength > maxBytes) throw tooLarge(entry, maxBytes);
  return data.slice();
}

async function inflateCapped(
  compressed: Uint8Array,
  entry: ZipEntry,
  maxBytes: number,
): Promise<Uint8Array> {
  let offset = 0;
  const input = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= compressed.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(compressed.slice(offset, offset + INFLATE_INPUT_CHUNK));
      offset += INFLATE_INPUT_CHUNK;
    },
  });
  try {
    return await readStreamCapped(
      input.pipeThrough(new DecompressionStream("deflate-raw")),
      maxBytes,
      () => tooLarge(entry, maxBytes),
    );
  } catch (error) {
    if (error instanceof ZipError) throw error;
    throw new ZipError(
      `The ZIP entry "${entry.name}" is corrupt: its compressed data cannot be inflated.`,
      { cause: error },
    );
  }
}

function tooLarge(entry: ZipEntry, maxBytes: number): ZipError {
  return new ZipError(
    `The ZIP entry "${entry.name}" expands to more than ${maxBytes} bytes; refusing to read it.`,
  );
}
