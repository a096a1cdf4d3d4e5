import { CustomErrorBase } from '@backstage/errors';
import type { RequestHandler } from 'express';

/** A request body over a route's limit (413), with the limit in the message. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** True for body-parser's error on a body over its limit. */
export function isBodyTooLarge(error: unknown): boolean {
  return (error as { type?: unknown } | undefined)?.type === 'entity.too.large';
}

/**
 * Parses JSON bodies of at most `limitBytes`; a larger one is a 413 that
 * states the limit, shared by the portal's REST APIs.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  // express loads on first use: the command-line scan, which shares this
  // package, never serves HTTP and starts faster without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const express = require('express') as typeof import('express');
  const parse = express.json({ limit: limitBytes });
  return (req, res, next) =>
    parse(req, res, error => {
      if (isBodyTooLarge(error)) {
        next(
          new PayloadTooLargeError(
            `Request body too large: limit is ${limitBytes} bytes (${Math.round(
              limitBytes / 1024,
            )} kB)`,
          ),
        );
        return;
      }
      next(error);
    });
}
