/**
 * Real-format secret samples, one generator per documented format (see
 * SOURCES.md for where each shape is documented). The shapes here were
 * written from those sources independently of the detectors' patterns;
 * lengths vary where the provider documents a range.
 *
 * Every sample is `{ value, needle }`: the text as it would be logged, and
 * the part that must not survive (the credential itself, not a URL's host).
 */
import {
  ALNUM,
  BASE62,
  BASE64URL,
  base62Checksum,
  DIGITS,
  HEX,
  LOWER,
  type Random,
  UPPER,
} from './random.ts';

export interface Sample {
  value: string;
  needle: string;
}

export interface SecretFormat {
  /** The detector family expected to catch it (for the per-family report). */
  family: string;
  /** A short label of the variant. */
  variant: string;
  /** The name an application would use for it (environment variable, header, field). */
  naturalKey: string;
  make(rng: Random): Sample;
}

const token = (value: string): Sample => ({ value, needle: value });
const b64 = (rng: Random, bytes: number) => rng.bytes(bytes).toString('base64');
const b64url = (rng: Random, bytes: number) => rng.bytes(bytes).toString('base64url');
const jsonB64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function githubClassic(rng: Random, prefix: string): Sample {
  const random = rng.chars(BASE62, 30);
  return token(`${prefix}${random}${base62Checksum(random)}`);
}

function jwt(rng: Random): string {
  const header = jsonB64url({
    alg: rng.pick(['HS256', 'RS256', 'ES256']),
    typ: 'JWT',
    kid: rng.chars(ALNUM, 8),
  });
  const payload = jsonB64url({ sub: rng.uuid(), iat: rng.int(1.6e9, 1.8e9), scope: 'read write' });
  return `${header}.${payload}.${b64url(rng, rng.pick([32, 64, 256]))}`;
}

export const SECRET_FORMATS: readonly SecretFormat[] = [
  // --- AWS and cloud --------------------------------------------------------------------------
  ...['AKIA', 'ASIA', 'ABIA', 'ACCA'].map(
    (prefix): SecretFormat => ({
      family: 'aws-access-key',
      variant: prefix,
      naturalKey: 'AWS_ACCESS_KEY_ID',
      make: (rng) => token(`${prefix}${rng.chars(`${UPPER}234567`, 16)}`),
    }),
  ),
  {
    family: 'aws-secret-key',
    variant: 'secret access key',
    naturalKey: 'AWS_SECRET_ACCESS_KEY',
    make: (rng) => {
      let key = rng.chars(`${ALNUM}/+`, 40);
      // Real keys mix cases and digits; a rare all-letter draw is redrawn.
      while (!/[0-9]/.test(key) || !/[a-z]/.test(key) || !/[A-Z]/.test(key))
        key = rng.chars(`${ALNUM}/+`, 40);
      return token(key);
    },
  },
  {
    family: 'aws-session-token',
    variant: 'IQoJb3JpZ2luX2Vj…',
    naturalKey: 'AWS_SESSION_TOKEN',
    make: (rng) => token(`IQoJb3JpZ2luX2Vj${rng.chars(`${ALNUM}/+`, rng.int(300, 900))}`),
  },
  {
    family: 'aws-session-token',
    variant: 'FwoGZXIvYXdz…',
    naturalKey: 'X-Amz-Security-Token',
    make: (rng) => token(`FwoGZXIvYXdzE${rng.chars(`${ALNUM}/+`, rng.int(200, 400))}`),
  },
  {
    family: 'aws-bedrock-key',
    variant: 'ABSK (long-term)',
    naturalKey: 'AWS_BEARER_TOKEN_BEDROCK',
    make: (rng) => token(`ABSK${b64(rng, rng.int(90, 120))}`),
  },
  {
    family: 'aws-bedrock-key',
    variant: 'bedrock-api-key- (short-term)',
    naturalKey: 'AWS_BEARER_TOKEN_BEDROCK',
    make: (rng) =>
      token(
        `bedrock-api-key-${Buffer.from(`bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential=${rng.chars(UPPER, 20)}`).toString('base64')}`,
      ),
  },
  {
    family: 'secret-param',
    variant: 'SigV4 presigned URL',
    naturalKey: 'presignedUrl',
    make: (rng) => {
      const signature = rng.chars(HEX, 64);
      return {
        value: `https://bucket.s3.us-east-1.amazonaws.com/key.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240501T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`,
        needle: signature,
      };
    },
  },
  {
    family: 'azure-ad-client-secret',
    variant: 'client secret',
    naturalKey: 'AZURE_CLIENT_SECRET',
    make: (rng) => token(`${rng.chars(`${ALNUM}_~.`, 3)}${rng.int(0, 9)}Q~${rng.chars(`${ALNUM}_~.-`, 34)}`),
  },
  {
    family: 'azure-storage-key',
    variant: 'account key',
    naturalKey: 'AZURE_STORAGE_KEY',
    make: (rng) => token(b64(rng, 64)),
  },
  {
    family: 'secret-param',
    variant: 'storage connection string',
    naturalKey: 'AZURE_STORAGE_CONNECTION_STRING',
    make: (rng) => {
      const key = b64(rng, 64);
      return {
        value: `DefaultEndpointsProtocol=https;AccountName=${rng.chars(LOWER, 10)};AccountKey=${key};EndpointSuffix=core.windows.net`,
        needle: key,
      };
    },
  },
  {
    family: 'secret-param',
    variant: 'SAS token',
    naturalKey: 'sasUrl',
    make: (rng) => {
      const sig = encodeURIComponent(b64(rng, 32));
      return {
        value: `https://${rng.chars(LOWER, 10)}.blob.core.windows.net/uploads/a.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-06-01T00:00:00Z&spr=https&sig=${sig}`,
        needle: sig,
      };
    },
  },
  {
    family: 'azure-function-key',
    variant: 'function URL ?code=',
    naturalKey: 'FUNCTION_URL',
    make: (rng) => {
      const code = `${b64url(rng, 40)}==`;
      return {
        value: `https://${rng.chars(LOWER, 8)}.azurewebsites.net/api/HttpTrigger?code=${code}&name=x`,
        needle: code,
      };
    },
  },
  {
    family: 'google-api-key',
    variant: 'AIza',
    naturalKey: 'GOOGLE_API_KEY',
    make: (rng) => token(`AIza${rng.chars(`${ALNUM}-_`, 35)}`),
  },
  {
    family: 'google-oauth',
    variant: 'ya29. access token',
    naturalKey: 'access_token',
    make: (rng) => token(`ya29.${rng.chars(`${ALNUM}-_`, rng.int(100, 200))}`),
  },
  {
    family: 'google-oauth',
    variant: 'GOCSPX- client secret',
    naturalKey: 'GOOGLE_CLIENT_SECRET',
    make: (rng) => token(`GOCSPX-${rng.chars(`${ALNUM}-_`, 28)}`),
  },
  {
    family: 'google-oauth',
    variant: '1//0 refresh token',
    naturalKey: 'refresh_token',
    make: (rng) => token(`1//0${rng.chars(`${ALNUM}-_`, rng.int(90, 110))}`),
  },
  {
    family: 'firebase',
    variant: 'FCM server key',
    naturalKey: 'FCM_SERVER_KEY',
    make: (rng) => token(`AAAA${rng.chars(`${ALNUM}-_`, 7)}:APA91b${rng.chars(`${ALNUM}-_`, 134)}`),
  },
  {
    family: 'alibaba',
    variant: 'LTAI access key id',
    naturalKey: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
    make: (rng) => token(`LTAI${rng.chars(ALNUM, 20)}`),
  },
  ...['dop', 'doo', 'dor'].map(
    (kind): SecretFormat => ({
      family: 'digitalocean',
      variant: `${kind}_v1_`,
      naturalKey: 'DIGITALOCEAN_TOKEN',
      make: (rng) => token(`${kind}_v1_${rng.chars(HEX, 64)}`),
    }),
  ),
  {
    family: 'cloudflare',
    variant: 'origin CA key',
    naturalKey: 'CF_ORIGIN_CA_KEY',
    make: (rng) => token(`v1.0-${rng.chars(HEX, 24)}-${rng.chars(HEX, 146)}`),
  },
  {
    family: 'cloudflare',
    variant: 'tunnel token',
    naturalKey: 'TUNNEL_TOKEN',
    make: (rng) =>
      token(
        Buffer.from(JSON.stringify({ a: rng.chars(HEX, 32), t: rng.uuid(), s: b64(rng, 32) })).toString(
          'base64',
        ),
      ),
  },
  {
    family: 'heroku',
    variant: 'HRKU-AA',
    naturalKey: 'HEROKU_API_KEY',
    make: (rng) => token(`HRKU-AA${rng.chars(`${ALNUM}_-`, 58)}`),
  },
  {
    family: 'fly-io',
    variant: 'fo1_',
    naturalKey: 'FLY_API_TOKEN',
    make: (rng) => token(`fo1_${rng.chars(`${ALNUM}_-`, 43)}`),
  },
  {
    family: 'fly-io',
    variant: 'fm2_ macaroon',
    naturalKey: 'FLY_API_TOKEN',
    make: (rng) => token(`fm2_${b64(rng, rng.int(120, 300))}`),
  },
  {
    family: 'supabase',
    variant: 'sbp_',
    naturalKey: 'SUPABASE_ACCESS_TOKEN',
    make: (rng) => token(`sbp_${rng.chars(HEX, 40)}`),
  },
  ...['tkn', 'oauth', 'pw'].map(
    (kind): SecretFormat => ({
      family: 'planetscale',
      variant: `pscale_${kind}_`,
      naturalKey: 'PLANETSCALE_SERVICE_TOKEN',
      make: (rng) => token(`pscale_${kind}_${rng.chars(`${ALNUM}_`, 43)}`),
    }),
  ),
  {
    family: 'databricks',
    variant: 'dapi',
    naturalKey: 'DATABRICKS_TOKEN',
    make: (rng) => token(`dapi${rng.chars(HEX, 32)}`),
  },
  {
    family: 'hashicorp-vault',
    variant: 'hvs. service token',
    naturalKey: 'VAULT_TOKEN',
    make: (rng) => token(`hvs.${rng.chars(`${ALNUM}_-`, rng.int(90, 110))}`),
  },
  {
    family: 'hashicorp-vault',
    variant: 'hvb. batch token',
    naturalKey: 'VAULT_TOKEN',
    make: (rng) => token(`hvb.${rng.chars(`${ALNUM}_-`, rng.int(138, 200))}`),
  },
  {
    family: 'hashicorp-vault',
    variant: 'legacy s. token',
    naturalKey: 'VAULT_TOKEN',
    make: (rng) => token(`s.${rng.chars(ALNUM, 24)}`),
  },
  {
    family: 'terraform-cloud',
    variant: '.atlasv1.',
    naturalKey: 'TFE_TOKEN',
    make: (rng) => token(`${rng.chars(ALNUM, 14)}.atlasv1.${rng.chars(`${ALNUM}_-`, 67)}`),
  },
  {
    family: 'pulumi',
    variant: 'pul-',
    naturalKey: 'PULUMI_ACCESS_TOKEN',
    make: (rng) => token(`pul-${rng.chars(HEX, 40)}`),
  },
  ...['pt', 'st', 'sa', 'ct'].map(
    (kind): SecretFormat => ({
      family: 'doppler',
      variant: `dp.${kind}.`,
      naturalKey: 'DOPPLER_TOKEN',
      make: (rng) => token(`dp.${kind}.${rng.chars(ALNUM, 43)}`),
    }),
  ),
  {
    family: 'tailscale',
    variant: 'tskey-auth-',
    naturalKey: 'TS_AUTHKEY',
    make: (rng) => token(`tskey-auth-k${rng.chars(ALNUM, 11)}-${rng.chars(ALNUM, 33)}`),
  },
  {
    family: 'onepassword',
    variant: 'ops_ service account token',
    naturalKey: 'OP_SERVICE_ACCOUNT_TOKEN',
    make: (rng) =>
      token(
        `ops_${Buffer.from(JSON.stringify({ signInAddress: 'my.1password.com', userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: b64url(rng, 16) }, email: `${rng.chars(LOWER, 26)}@1passwordserviceaccounts.com`, srpX: rng.chars(HEX, 64), muk: { alg: 'A256GCM', ext: true, k: b64url(rng, 32), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' }, secretKey: `A3-${rng.chars(UPPER + DIGITS, 6)}`, throttleSecret: { seed: rng.chars(HEX, 64), uuid: rng.chars(UPPER + DIGITS, 26) }, deviceUuid: rng.chars(LOWER + DIGITS, 26) })).toString('base64')}`,
      ),
  },
  // --- Source control, packages, CI -----------------------------------------------------------
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map(
    (prefix): SecretFormat => ({
      family: 'github-token',
      variant: prefix,
      naturalKey: 'GITHUB_TOKEN',
      make: (rng) => githubClassic(rng, prefix),
    }),
  ),
  {
    family: 'github-token',
    variant: 'github_pat_ (fine-grained)',
    naturalKey: 'GH_TOKEN',
    make: (rng) => token(`github_pat_11${rng.chars(UPPER + DIGITS, 20)}_${rng.chars(ALNUM, 59)}`),
  },
  {
    family: 'github-token',
    variant: 'ghs_<app>_<JWT> (stateless installation token)',
    naturalKey: 'GITHUB_TOKEN',
    make: (rng) => token(`ghs_${rng.int(100000, 9999999)}_${jwt(rng)}`),
  },
  ...['glpat', 'gldt', 'glrt', 'gloas', 'glsoat', 'glft'].map(
    (prefix): SecretFormat => ({
      family: 'gitlab-token',
      variant: `${prefix}-`,
      naturalKey: 'GITLAB_TOKEN',
      make: (rng) => token(`${prefix}-${rng.chars(`${ALNUM}_-`, prefix === 'gloas' ? 64 : 20)}`),
    }),
  ),
  {
    family: 'gitlab-token',
    variant: 'glpat- routable',
    naturalKey: 'CI_JOB_TOKEN',
    make: (rng) => token(`glpat-${rng.chars(`${ALNUM}_-`, 40)}.01.${rng.chars(`${DIGITS}${LOWER}`, 9)}`),
  },
  {
    family: 'gitlab-token',
    variant: 'glcbt- CI job token',
    naturalKey: 'CI_JOB_TOKEN',
    make: (rng) => token(`glcbt-${rng.chars(ALNUM, 2)}_${rng.chars(`${ALNUM}_-`, 20)}`),
  },
  {
    family: 'bitbucket',
    variant: 'ATBB app password',
    naturalKey: 'BITBUCKET_APP_PASSWORD',
    make: (rng) => token(`ATBB${rng.chars(ALNUM, 32)}${rng.chars(HEX.toUpperCase(), 8)}`),
  },
  {
    family: 'atlassian',
    variant: 'ATATT3 API token',
    naturalKey: 'JIRA_API_TOKEN',
    make: (rng) => token(`ATATT3xFfGF0${rng.chars(`${ALNUM}_-`, 174)}=${rng.chars(HEX.toUpperCase(), 8)}`),
  },
  {
    family: 'npm',
    variant: 'npm_',
    naturalKey: 'NPM_TOKEN',
    make: (rng) => {
      const random = rng.chars(BASE62, 30);
      return token(`npm_${random}${base62Checksum(random)}`);
    },
  },
  {
    family: 'pypi',
    variant: 'pypi-AgE…',
    naturalKey: 'PYPI_API_TOKEN',
    make: (rng) => token(`pypi-AgEIcHlwaS5vcmc${rng.chars(BASE64URL, rng.int(120, 200))}`),
  },
  {
    family: 'rubygems',
    variant: 'rubygems_',
    naturalKey: 'GEM_HOST_API_KEY',
    make: (rng) => token(`rubygems_${rng.chars(HEX, 48)}`),
  },
  {
    family: 'nuget',
    variant: 'oy2',
    naturalKey: 'NUGET_API_KEY',
    make: (rng) => token(`oy2${rng.chars(`${LOWER}${DIGITS}`, 43)}`),
  },
  {
    family: 'docker-hub',
    variant: 'dckr_pat_',
    naturalKey: 'DOCKERHUB_TOKEN',
    make: (rng) => token(`dckr_pat_${rng.chars(`${ALNUM}_-`, 27)}`),
  },
  {
    family: 'jfrog',
    variant: 'AKCp API key',
    naturalKey: 'ARTIFACTORY_API_KEY',
    make: (rng) => token(`AKCp8${rng.chars(ALNUM, 68)}`),
  },
  {
    family: 'jfrog',
    variant: 'cmVmd reference token',
    naturalKey: 'JFROG_ACCESS_TOKEN',
    make: (rng) => token(`cmVmdGtuOjAxOjE3${rng.chars(ALNUM, 48)}`),
  },
  {
    family: 'sourcegraph',
    variant: 'sgp_',
    naturalKey: 'SRC_ACCESS_TOKEN',
    make: (rng) => token(`sgp_${rng.chars(HEX, 16)}_${rng.chars(HEX, 40)}`),
  },
  {
    family: 'clojars',
    variant: 'CLOJARS_',
    naturalKey: 'CLOJARS_TOKEN',
    make: (rng) => token(`CLOJARS_${rng.chars(`${LOWER}${DIGITS}`, 60)}`),
  },
  {
    family: 'figma',
    variant: 'figd_',
    naturalKey: 'FIGMA_TOKEN',
    make: (rng) => token(`figd_${rng.chars(`${ALNUM}_-`, 40)}`),
  },
  {
    family: 'harness',
    variant: 'pat.',
    naturalKey: 'HARNESS_API_KEY',
    make: (rng) =>
      token(`pat.${rng.chars(`${ALNUM}_-`, 22)}.${rng.chars(ALNUM, 24)}.${rng.chars(ALNUM, 20)}`),
  },
  // --- Payments -------------------------------------------------------------------------------
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'].map(
    (prefix): SecretFormat => ({
      family: 'stripe',
      variant: prefix,
      naturalKey: 'STRIPE_SECRET_KEY',
      make: (rng) => token(`${prefix}${rng.chars(ALNUM, rng.pick([24, 99]))}`),
    }),
  ),
  {
    family: 'stripe',
    variant: 'whsec_ webhook secret',
    naturalKey: 'STRIPE_WEBHOOK_SECRET',
    make: (rng) => token(`whsec_${rng.chars(ALNUM, 32)}`),
  },
  {
    family: 'square',
    variant: 'EAAA access token',
    naturalKey: 'SQUARE_ACCESS_TOKEN',
    make: (rng) => token(`EAAA${rng.chars(`${ALNUM}-_`, 60)}`),
  },
  {
    family: 'square',
    variant: 'sq0csp- application secret',
    naturalKey: 'SQUARE_APPLICATION_SECRET',
    make: (rng) => token(`sq0csp-${rng.chars(`${ALNUM}-_`, 43)}`),
  },
  {
    family: 'paypal-braintree',
    variant: 'access_token$production$',
    naturalKey: 'BRAINTREE_ACCESS_TOKEN',
    make: (rng) =>
      token(`access_token$production$${rng.chars(`${LOWER}${DIGITS}`, 16)}$${rng.chars(HEX, 32)}`),
  },
  ...['shpat_', 'shpca_', 'shppa_', 'shpss_'].map(
    (prefix): SecretFormat => ({
      family: 'shopify',
      variant: prefix,
      naturalKey: 'SHOPIFY_ACCESS_TOKEN',
      make: (rng) => token(`${prefix}${rng.chars(HEX, 32)}`),
    }),
  ),
  {
    family: 'plaid',
    variant: 'access-production-',
    naturalKey: 'PLAID_ACCESS_TOKEN',
    make: (rng) => token(`access-production-${rng.uuid()}`),
  },
  {
    family: 'shippo',
    variant: 'shippo_live_',
    naturalKey: 'SHIPPO_API_TOKEN',
    make: (rng) => token(`shippo_live_${rng.chars(HEX, 40)}`),
  },
  {
    family: 'duffel',
    variant: 'duffel_live_',
    naturalKey: 'DUFFEL_ACCESS_TOKEN',
    make: (rng) => token(`duffel_live_${rng.chars(`${ALNUM}_-`, 43)}`),
  },
  {
    family: 'flutterwave',
    variant: 'FLWSECK-',
    naturalKey: 'FLW_SECRET_KEY',
    make: (rng) => token(`FLWSECK-${rng.chars(HEX, 32)}-X`),
  },
  // --- Messaging and email --------------------------------------------------------------------
  {
    family: 'slack-token',
    variant: 'xoxb- bot token',
    naturalKey: 'SLACK_BOT_TOKEN',
    make: (rng) => token(`xoxb-${rng.chars(DIGITS, 12)}-${rng.chars(DIGITS, 13)}-${rng.chars(ALNUM, 24)}`),
  },
  {
    family: 'slack-token',
    variant: 'xoxp- user token',
    naturalKey: 'SLACK_USER_TOKEN',
    make: (rng) =>
      token(
        `xoxp-${rng.chars(DIGITS, 12)}-${rng.chars(DIGITS, 12)}-${rng.chars(DIGITS, 13)}-${rng.chars(HEX, 32)}`,
      ),
  },
  {
    family: 'slack-token',
    variant: 'xapp- app token',
    naturalKey: 'SLACK_APP_TOKEN',
    make: (rng) =>
      token(`xapp-1-A${rng.chars(UPPER + DIGITS, 10)}-${rng.chars(DIGITS, 13)}-${rng.chars(HEX, 64)}`),
  },
  {
    family: 'slack-token',
    variant: 'xoxe.xoxp- rotating token',
    naturalKey: 'SLACK_TOKEN',
    make: (rng) => token(`xoxe.xoxp-1-${rng.chars(ALNUM, 160)}`),
  },
  {
    family: 'slack-webhook',
    variant: 'hooks.slack.com/services',
    naturalKey: 'SLACK_WEBHOOK_URL',
    make: (rng) => {
      const secret = rng.chars(ALNUM, 24);
      return {
        value: `https://hooks.slack.com/services/T${rng.chars(UPPER + DIGITS, 10)}/B${rng.chars(UPPER + DIGITS, 10)}/${secret}`,
        needle: secret,
      };
    },
  },
  {
    family: 'discord-webhook',
    variant: 'discord.com/api/webhooks',
    naturalKey: 'DISCORD_WEBHOOK_URL',
    make: (rng) => {
      const secret = rng.chars(`${ALNUM}_-`, 68);
      return { value: `https://discord.com/api/webhooks/${rng.chars(DIGITS, 19)}/${secret}`, needle: secret };
    },
  },
  {
    family: 'discord-bot-token',
    variant: 'bot token',
    naturalKey: 'DISCORD_BOT_TOKEN',
    make: (rng) =>
      token(
        `${Buffer.from(String(rng.int(1e17, 1.4e18)))
          .toString('base64')
          .replace(/=+$/, '')}.${rng.chars(`${ALNUM}_-`, 6)}.${rng.chars(`${ALNUM}_-`, 38)}`,
      ),
  },
  {
    family: 'teams-webhook',
    variant: 'webhook.office.com',
    naturalKey: 'TEAMS_WEBHOOK_URL',
    make: (rng) => {
      const secret = rng.chars(HEX, 32);
      return {
        value: `https://contoso.webhook.office.com/webhookb2/${rng.uuid()}@${rng.uuid()}/IncomingWebhook/${secret}/${rng.uuid()}`,
        needle: secret,
      };
    },
  },
  {
    family: 'telegram-bot-token',
    variant: 'bot token',
    naturalKey: 'TELEGRAM_BOT_TOKEN',
    make: (rng) => token(`${rng.chars(DIGITS, 10)}:AA${rng.chars(`${ALNUM}_-`, 33)}`),
  },
  {
    family: 'twilio',
    variant: 'SK API key',
    naturalKey: 'TWILIO_API_KEY',
    make: (rng) => token(`SK${rng.chars(HEX, 32)}`),
  },
  {
    family: 'sendgrid',
    variant: 'SG.',
    naturalKey: 'SENDGRID_API_KEY',
    make: (rng) => token(`SG.${rng.chars(`${ALNUM}_-`, 22)}.${rng.chars(`${ALNUM}_-`, 43)}`),
  },
  {
    family: 'mailgun',
    variant: 'key-',
    naturalKey: 'MAILGUN_API_KEY',
    make: (rng) => token(`key-${rng.chars(HEX, 32)}`),
  },
  {
    family: 'mailgun',
    variant: 'private API key (2020+)',
    naturalKey: 'MAILGUN_API_KEY',
    make: (rng) => token(`${rng.chars(HEX, 32)}-${rng.chars(HEX, 8)}-${rng.chars(HEX, 8)}`),
  },
  {
    family: 'mailchimp',
    variant: '<hex>-us<dc>',
    naturalKey: 'MAILCHIMP_API_KEY',
    make: (rng) => token(`${rng.chars(HEX, 32)}-us${rng.int(1, 21)}`),
  },
  {
    family: 'brevo',
    variant: 'xkeysib-',
    naturalKey: 'BREVO_API_KEY',
    make: (rng) => token(`xkeysib-${rng.chars(HEX, 64)}-${rng.chars(ALNUM, 16)}`),
  },
  // --- AI providers ---------------------------------------------------------------------------
  {
    family: 'anthropic',
    variant: 'sk-ant-api03-',
    naturalKey: 'ANTHROPIC_API_KEY',
    make: (rng) => token(`sk-ant-api03-${rng.chars(`${ALNUM}_-`, 93)}AA`),
  },
  {
    family: 'anthropic',
    variant: 'sk-ant-admin01-',
    naturalKey: 'ANTHROPIC_ADMIN_KEY',
    make: (rng) => token(`sk-ant-admin01-${rng.chars(`${ALNUM}_-`, 93)}AA`),
  },
  ...['proj', 'svcacct', 'admin'].map(
    (kind): SecretFormat => ({
      family: 'openai',
      variant: `sk-${kind}-`,
      naturalKey: 'OPENAI_API_KEY',
      make: (rng) => token(`sk-${kind}-${rng.chars(`${ALNUM}_-`, 74)}T3BlbkFJ${rng.chars(`${ALNUM}_-`, 74)}`),
    }),
  ),
  {
    family: 'openai',
    variant: 'legacy sk-…T3BlbkFJ…',
    naturalKey: 'OPENAI_API_KEY',
    make: (rng) => token(`sk-${rng.chars(ALNUM, 20)}T3BlbkFJ${rng.chars(ALNUM, 20)}`),
  },
  {
    family: 'openrouter',
    variant: 'sk-or-v1-',
    naturalKey: 'OPENROUTER_API_KEY',
    make: (rng) => token(`sk-or-v1-${rng.chars(HEX, 64)}`),
  },
  {
    family: 'llm-api-key',
    variant: 'sk- + 32 hex (DeepSeek style)',
    naturalKey: 'DEEPSEEK_API_KEY',
    make: (rng) => {
      let key = rng.chars(HEX, 32);
      while (!/[0-9]/.test(key) || !/[a-f]/.test(key)) key = rng.chars(HEX, 32);
      return token(`sk-${key}`);
    },
  },
  {
    family: 'groq',
    variant: 'gsk_',
    naturalKey: 'GROQ_API_KEY',
    make: (rng) => token(`gsk_${rng.chars(ALNUM, 52)}`),
  },
  {
    family: 'perplexity',
    variant: 'pplx-',
    naturalKey: 'PERPLEXITY_API_KEY',
    make: (rng) => token(`pplx-${rng.chars(ALNUM, 48)}`),
  },
  {
    family: 'xai',
    variant: 'xai-',
    naturalKey: 'XAI_API_KEY',
    make: (rng) => token(`xai-${rng.chars(ALNUM, 80)}`),
  },
  {
    family: 'huggingface',
    variant: 'hf_',
    naturalKey: 'HF_TOKEN',
    make: (rng) => token(`hf_${rng.chars(UPPER + LOWER, 34)}`),
  },
  {
    family: 'replicate',
    variant: 'r8_',
    naturalKey: 'REPLICATE_API_TOKEN',
    make: (rng) => token(`r8_${rng.chars(ALNUM, 37)}`),
  },
  {
    family: 'langsmith',
    variant: 'lsv2_pt_',
    naturalKey: 'LANGSMITH_API_KEY',
    make: (rng) => token(`lsv2_pt_${rng.chars(HEX, 32)}_${rng.chars(HEX, 10)}`),
  },
  // --- Observability and productivity ---------------------------------------------------------
  {
    family: 'sentry',
    variant: 'sntryu_ user token',
    naturalKey: 'SENTRY_AUTH_TOKEN',
    make: (rng) => token(`sntryu_${rng.chars(HEX, 64)}`),
  },
  {
    family: 'sentry',
    variant: 'sntrys_ org token',
    naturalKey: 'SENTRY_AUTH_TOKEN',
    make: (rng) =>
      token(
        `sntrys_${Buffer.from(JSON.stringify({ iat: rng.int(1.7e9, 1.8e9), url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: rng.chars(LOWER, 8) })).toString('base64')}_${rng.chars(`${ALNUM}+/`, 43)}`,
      ),
  },
  {
    family: 'sentry',
    variant: 'DSN key',
    naturalKey: 'SENTRY_DSN',
    make: (rng) => {
      const key = rng.chars(HEX, 32);
      return {
        value: `https://${key}@o${rng.chars(DIGITS, 6)}.ingest.us.sentry.io/${rng.chars(DIGITS, 7)}`,
        needle: key,
      };
    },
  },
  {
    family: 'new-relic',
    variant: 'NRAK- user key',
    naturalKey: 'NEW_RELIC_API_KEY',
    make: (rng) => token(`NRAK-${rng.chars(UPPER + DIGITS, 27)}`),
  },
  {
    family: 'new-relic',
    variant: 'license key …NRAL',
    naturalKey: 'NEW_RELIC_LICENSE_KEY',
    make: (rng) => token(`${rng.chars(HEX, 36)}NRAL`),
  },
  {
    family: 'grafana',
    variant: 'glsa_ service account',
    naturalKey: 'GRAFANA_TOKEN',
    make: (rng) => token(`glsa_${rng.chars(ALNUM, 32)}_${rng.chars(HEX, 8)}`),
  },
  {
    family: 'grafana',
    variant: 'glc_ cloud token',
    naturalKey: 'GRAFANA_CLOUD_TOKEN',
    make: (rng) => token(`glc_${b64(rng, rng.int(60, 120))}`),
  },
  {
    family: 'okta',
    variant: 'SSWS API token',
    naturalKey: 'Authorization',
    make: (rng) => {
      const secret = `00${rng.chars(`${ALNUM}_-`, 40)}`;
      return { value: `SSWS ${secret}`, needle: secret };
    },
  },
  {
    family: 'dynatrace',
    variant: 'dt0c01.',
    naturalKey: 'DT_API_TOKEN',
    make: (rng) => token(`dt0c01.${rng.chars(UPPER + DIGITS, 24)}.${rng.chars(UPPER + DIGITS, 64)}`),
  },
  {
    family: 'postman',
    variant: 'PMAK-',
    naturalKey: 'POSTMAN_API_KEY',
    make: (rng) => token(`PMAK-${rng.chars(HEX, 24)}-${rng.chars(HEX, 34)}`),
  },
  {
    family: 'linear',
    variant: 'lin_api_',
    naturalKey: 'LINEAR_API_KEY',
    make: (rng) => token(`lin_api_${rng.chars(ALNUM, 40)}`),
  },
  {
    family: 'notion',
    variant: 'ntn_',
    naturalKey: 'NOTION_TOKEN',
    make: (rng) => token(`ntn_${rng.chars(DIGITS, 11)}${rng.chars(ALNUM, 35)}`),
  },
  {
    family: 'notion',
    variant: 'legacy secret_',
    naturalKey: 'NOTION_TOKEN',
    make: (rng) => token(`secret_${rng.chars(ALNUM, 43)}`),
  },
  {
    family: 'contentful',
    variant: 'CFPAT-',
    naturalKey: 'CONTENTFUL_MANAGEMENT_TOKEN',
    make: (rng) => token(`CFPAT-${rng.chars(`${ALNUM}_-`, 43)}`),
  },
  {
    family: 'launchdarkly',
    variant: 'sdk-',
    naturalKey: 'LAUNCHDARKLY_SDK_KEY',
    make: (rng) => token(`sdk-${rng.uuid()}`),
  },
  {
    family: 'twitter',
    variant: 'app bearer token',
    naturalKey: 'TWITTER_BEARER_TOKEN',
    make: (rng) => token(`AAAAAAAAAAAAAAAAAAAAA${rng.chars(ALNUM, 20)}%3D${rng.chars(ALNUM, 50)}`),
  },
  {
    family: 'mapbox',
    variant: 'sk.eyJ secret token',
    naturalKey: 'MAPBOX_SECRET_TOKEN',
    make: (rng) =>
      token(
        `sk.${jsonB64url({ u: rng.chars(LOWER, 8), a: rng.chars(ALNUM, 24) })}.${rng.chars(`${ALNUM}_-`, 22)}`,
      ),
  },
  {
    family: 'age',
    variant: 'AGE-SECRET-KEY-1',
    naturalKey: 'SOPS_AGE_KEY',
    make: (rng) => token(`AGE-SECRET-KEY-1${rng.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`),
  },
  {
    family: 'easypost',
    variant: 'EZAK',
    naturalKey: 'EASYPOST_API_KEY',
    make: (rng) => token(`EZAK${rng.chars(ALNUM, 54)}`),
  },
  {
    family: 'adobe',
    variant: 'p8e-',
    naturalKey: 'ADOBE_CLIENT_SECRET',
    make: (rng) => token(`p8e-${rng.chars(ALNUM, 32)}`),
  },
  {
    family: 'prefect',
    variant: 'pnu_',
    naturalKey: 'PREFECT_API_KEY',
    make: (rng) => token(`pnu_${rng.chars(ALNUM, 36)}`),
  },
  {
    family: 'readme',
    variant: 'rdme_',
    naturalKey: 'README_API_KEY',
    make: (rng) => token(`rdme_${rng.chars(`${LOWER}${DIGITS}`, 70)}`),
  },
  {
    family: 'frameio',
    variant: 'fio-u-',
    naturalKey: 'FRAMEIO_TOKEN',
    make: (rng) => token(`fio-u-${rng.chars(`${ALNUM}_-`, 64)}`),
  },
  {
    family: 'infracost',
    variant: 'ico-',
    naturalKey: 'INFRACOST_API_KEY',
    make: (rng) => token(`ico-${rng.chars(ALNUM, 32)}`),
  },
  {
    family: 'scalingo',
    variant: 'tk-us-',
    naturalKey: 'SCALINGO_API_TOKEN',
    make: (rng) => token(`tk-us-${rng.chars(`${ALNUM}_-`, 48)}`),
  },
  // --- Structural -----------------------------------------------------------------------------
  {
    family: 'jwt',
    variant: 'JWS',
    naturalKey: 'id_token',
    make: (rng) => token(jwt(rng)),
  },
  {
    family: 'private-key',
    variant: 'PEM',
    naturalKey: 'PRIVATE_KEY',
    make: (rng) => {
      const body = (b64(rng, rng.pick([121, 1218])).match(/.{1,64}/g) ?? []).join('\n');
      const label = rng.pick(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
      return {
        value: `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`,
        needle: body.slice(0, 40),
      };
    },
  },
  {
    family: 'url-password',
    variant: 'connection URL',
    naturalKey: 'DATABASE_URL',
    make: (rng) => {
      const password = rng.chars(`${ALNUM}!*-_~`, rng.int(12, 24));
      const scheme = rng.pick(['postgres', 'mysql', 'mongodb+srv', 'redis', 'amqps']);
      return { value: `${scheme}://app_user:${password}@db.internal.example:5432/orders`, needle: password };
    },
  },
  {
    family: 'auth-credential',
    variant: 'Basic',
    naturalKey: 'Authorization',
    make: (rng) => {
      const credential = Buffer.from(`${rng.chars(LOWER, 6)}:${rng.chars(ALNUM, 16)}`).toString('base64');
      return { value: `Basic ${credential}`, needle: credential };
    },
  },
  {
    family: 'auth-credential',
    variant: 'Bearer (opaque)',
    naturalKey: 'Authorization',
    make: (rng) => {
      const credential = rng.chars(`${ALNUM}._-`, rng.int(32, 64));
      return { value: `Bearer ${credential}`, needle: credential };
    },
  },
];

/**
 * Formats with no prefix of their own: recognisable only next to their name
 * (`DD_API_KEY=…`, a `Twilio-Auth-Token` header). Measured with the name in
 * the text, separately from the self-identifying formats.
 */
export const CONTEXT_ONLY_FORMATS: readonly SecretFormat[] = [
  {
    family: 'datadog',
    variant: 'API key (32 hex)',
    naturalKey: 'DD_API_KEY',
    make: (rng) => token(rng.chars(HEX, 32)),
  },
  {
    family: 'datadog',
    variant: 'application key (40 hex)',
    naturalKey: 'DD_APPLICATION_KEY',
    make: (rng) => token(rng.chars(HEX, 40)),
  },
  {
    family: 'twilio',
    variant: 'auth token (32 hex)',
    naturalKey: 'TWILIO_AUTH_TOKEN',
    make: (rng) => token(rng.chars(HEX, 32)),
  },
  {
    family: 'cloudflare',
    variant: 'API token (40 characters)',
    naturalKey: 'CLOUDFLARE_API_TOKEN',
    make: (rng) => token(rng.chars(`${ALNUM}_-`, 40)),
  },
  {
    family: 'okta',
    variant: 'API token without scheme',
    naturalKey: 'OKTA_API_TOKEN',
    make: (rng) => token(`00${rng.chars(`${ALNUM}_-`, 40)}`),
  },
  {
    family: 'mistral',
    variant: 'API key (32 characters)',
    naturalKey: 'MISTRAL_API_KEY',
    make: (rng) => token(rng.chars(ALNUM, 32)),
  },
  {
    family: 'heroku',
    variant: 'legacy API key (UUID)',
    naturalKey: 'HEROKU_API_KEY',
    make: (rng) => token(rng.uuid()),
  },
  {
    family: 'generic',
    variant: 'password',
    naturalKey: 'DB_PASSWORD',
    make: (rng) => token(rng.chars(`${ALNUM}!@#%^*-_`, rng.int(10, 20))),
  },
];
