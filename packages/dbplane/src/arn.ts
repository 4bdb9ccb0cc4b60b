/**
 * ARNs of dbplane resources: `arn:dbplane:<service>:<region>:<account>:<resource>`.
 *
 * @example
 * buildArn({ service: 'iam', region: 'local-1', accountId: '000000000000', resource: 'api-key/ci' })
 * // 'arn:dbplane:iam:local-1:000000000000:api-key/ci'
 */
export function buildArn(parts: {
  service: string;
  region: string;
  accountId: string;
  resource: string;
}): string {
  return `arn:dbplane:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}
