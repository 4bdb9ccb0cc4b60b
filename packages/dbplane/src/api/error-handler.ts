import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DbplaneError, type Problem, toHttpError, ValidationError } from '../errors/index.js';
import type { App } from './types.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns schema-validation issues into problems with JSON pointers into the request part. */
function problemsFromValidation(issues: readonly AjvIssue[], part: string): Problem[] {
  const problems = issues.map((issue) => {
    let path = issue.instancePath;
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') {
      path = `${path}/${String(issue.params.missingProperty)}`;
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties') {
      path = `${path}/${String(issue.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (issue.keyword === 'enum' || issue.keyword === 'const') {
      message = `${message}: ${JSON.stringify(issue.params.allowedValues ?? issue.params.allowedValue)}`;
    }
    return { path: path === '' ? '/' : path, message: part === 'body' ? message : `(${part}) ${message}` };
  });
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.path} ${p.message}`) && seen.add(`${p.path} ${p.message}`));
}

const edgeCodes: Readonly<Record<number, string>> = {
  400: 'ValidationError',
  404: 'ResourceNotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
};

function normalise(err: FastifyError): unknown {
  if (err.validation !== undefined) {
    return new ValidationError(
      problemsFromValidation(err.validation as AjvIssue[], err.validationContext ?? 'body'),
    );
  }
  const status = err.statusCode ?? 500;
  if (!(err instanceof DbplaneError) && status >= 400 && status < 500) {
    const message = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not valid JSON' : err.message;
    return new DbplaneError(edgeCodes[status] ?? 'BadRequest', message);
  }
  return err;
}

/** The one place errors become HTTP answers: `{ error: { code, message, details? } }`. */
export function installErrorHandling(app: App): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const normalised = normalise(err);
    const status = err instanceof DbplaneError || err.validation !== undefined ? undefined : err.statusCode;
    const http = toHttpError(normalised);
    const finalStatus = http.internal ? 500 : (status ?? http.status);
    if (http.internal) request.log.error({ err }, 'unhandled error');
    request.failure = { code: http.body.error.code, message: http.body.error.message };
    return reply.status(finalStatus).send(http.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body = {
      error: { code: 'ResourceNotFound', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    };
    request.failure = body.error;
    return reply.status(404).send(body);
  });
}
