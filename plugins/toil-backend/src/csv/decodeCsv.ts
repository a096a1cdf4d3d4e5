import { InputError } from '@backstage/errors';

/** The decoded text of an uploaded CSV, with notes for the person. */
export interface DecodedCsv {
  text: string;
  warnings: string[];
}

/**
 * Decodes an upload as UTF-8 and refuses anything else with a message that
 * says what the file is and what to do. Spreadsheets often save UTF-16 or a
 * legacy code page, which would otherwise import as garbled text.
 */
export function decodeCsv(bytes: Buffer): DecodedCsv {
  const warnings: string[] = [];
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw new InputError(
      'file: the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark). Save it as "CSV UTF-8" and upload it again.',
    );
  }
  const sample = bytes.subarray(0, 4096);
  const nuls = sample.filter(b => b === 0).length;
  if (nuls > 0 && nuls >= sample.length / 8) {
    throw new InputError(
      'file: the file looks UTF-16 encoded (it contains NUL bytes). Save it as "CSV UTF-8" and upload it again.',
    );
  }
  let body = bytes;
  if (
    bytes.length >= 3 &&
    bytes[0] === 0xef &&
    bytes[1] === 0xbb &&
    bytes[2] === 0xbf
  ) {
    body = bytes.subarray(3);
    warnings.push('The UTF-8 byte-order mark at the start was removed.');
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    return { text, warnings };
  } catch {
    // Find where it breaks, so the person can look at that line.
    const lossy = new TextDecoder('utf-8').decode(body);
    const at = lossy.indexOf('\uFFFD');
    const line = lossy.slice(0, Math.max(at, 0)).split('\n').length;
    throw new InputError(
      `file: the file is not valid UTF-8 (first bad byte on line ${line}); it is probably in a legacy encoding such as Windows-1252. Save it as "CSV UTF-8" and upload it again.`,
    );
  }
}
