/**
 * Provider token formats: prefix, alphabet and length as each provider
 * documents them (the test corpus's SOURCES file lists where). Written here
 * from those shapes rather than imported from a scanner's rule set: scanner
 * rules are built for files (context windows, entropy, many optional parts),
 * while these run on every log string and must stay linear and cheap.
 *
 * Rules for a pattern (checked by the hostile-input tests):
 * - it starts after START(alphabet), the token's own alphabet, so inside a
 *   long run only the run's first character can start a match;
 * - quantified parts are separated by literals their class does not contain,
 *   and nothing is nested, so a failed attempt costs at most one pass over
 *   its run;
 * - the last part is open-ended where the provider allows longer tokens:
 *   masking a few extra characters is better than leaving a tail readable.
 */
import { FEATURE_RUN_40, FEATURE_RUN_DOT } from './detector.ts';

export interface TokenFormat {
  /** Provider or kind of secret: the detector family, the marker and the `detectors` option name. */
  readonly family: string;
  /** Lower-case keywords for the prefilter: every token contains one. */
  readonly keywords: readonly string[];
  /** Prefilter features for formats with no keyword. */
  readonly features?: number;
  /** The token's alphabet for the left boundary (regex class body). */
  readonly alphabet?: string;
  /** The token (regex source, case-sensitive). A first capture group stays readable. */
  readonly pattern: string;
  /** A human description of the shape, for the docs (never a real-looking value). */
  readonly shape: string;
  /** An extra test a match must pass (composition rules for bare formats). */
  readonly accept?: (match: string) => boolean;
  /**
   * The match starts with a run of a character class rather than a literal prefix: such a format
   * needs its look-behind to stay linear, so it keeps its own pass (see secret-detectors.ts).
   */
  readonly leadingClass?: true;
  /**
   * For a leading class of fixed length followed by a literal: every match holds `literal` exactly
   * `at` characters after its start. The detector then looks for the literal (indexOf) and tries
   * the pattern only `at` characters before each occurrence, instead of a regex pass that tests
   * the look-behind at every position (see anchoredDetector in secret-detectors.ts).
   */
  readonly anchor?: { readonly literal: string; readonly at: number };
}

const ALNUM = 'A-Za-z0-9';
const URLSAFE = 'A-Za-z0-9_\\-';
const BASE64 = 'A-Za-z0-9+/';

/** Upper, lower and a digit: random keys have all three, words and hex hashes do not. */
function mixed(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

export const TOKEN_FORMATS = [
  // --- Cloud providers -----------------------------------------------------------------------
  {
    family: 'aws-access-key',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    alphabet: ALNUM,
    pattern: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    shape: 'AKIA / ASIA / ABIA / ACCA / A3T… + 16 upper-case letters and digits',
  },
  {
    family: 'aws-session-token',
    leadingClass: true,
    keywords: ['b3jpz2lux2', 'fwogzxivyxdz', 'aqodyxdz', 'aqoexample'],
    alphabet: BASE64,
    pattern: '(?:[A-Za-z0-9+/]{2,6}b3JpZ2luX2|FwoGZXIvYXdz|AQoDYXdz|AQoEXAMPLE)[A-Za-z0-9+/]{40,}={0,2}',
    shape: 'IQoJb3JpZ2luX2… / FwoGZXIvYXdz… + 100s of base64 characters',
  },
  {
    family: 'aws-secret-key',
    keywords: [],
    features: FEATURE_RUN_40,
    alphabet: `${BASE64}_-`,
    // Exactly 40 base64 characters: 30 random bytes. The mix of cases and digits tells it from words and hex.
    pattern: '[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=_-])',
    shape: '40 base64 characters with upper and lower case and digits (bare, no prefix)',
    accept: mixed,
  },
  {
    family: 'aws-bedrock-key',
    keywords: ['absk', 'bedrock-api-key-'],
    alphabet: BASE64,
    pattern: '(?:ABSK|bedrock-api-key-)[A-Za-z0-9+/]{40,}={0,2}',
    shape: 'ABSK… (long-term) or bedrock-api-key-… (short-term) + base64',
  },
  {
    family: 'azure-ad-client-secret',
    leadingClass: true,
    keywords: ['q~'],
    alphabet: `${ALNUM}_~.`,
    pattern: '[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,}',
    anchor: { literal: 'Q~', at: 4 },
    shape: '3 characters, a digit, Q~, then 31–34 characters',
  },
  {
    family: 'azure-storage-key',
    keywords: [],
    features: FEATURE_RUN_40,
    alphabet: `${BASE64}_-`,
    // 64 random bytes: storage account and Cosmos DB keys.
    pattern: '[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])',
    shape: '86 base64 characters + == (storage account / Cosmos DB key)',
  },
  {
    family: 'azure-function-key',
    keywords: ['azurewebsites.net'],
    alphabet: '',
    pattern: '(\\.azurewebsites\\.net/[^\\s?#"\'<>]*\\?(?:[^\\s#"\'<>&]*&)*code=)[^\\s&#"\'<>]+',
    shape: 'https://<app>.azurewebsites.net/api/<fn>?code=<key>',
  },
  {
    family: 'google-api-key',
    keywords: ['aiza'],
    alphabet: URLSAFE,
    pattern: 'AIza[A-Za-z0-9_-]{35}',
    shape: 'AIza + 35 URL-safe characters',
  },
  {
    family: 'google-oauth',
    keywords: ['ya29.', '1//0', 'gocspx-'],
    alphabet: URLSAFE,
    pattern: '(?:ya29\\.[A-Za-z0-9_.-]{20,}|1//0[A-Za-z0-9_-]{40,}|GOCSPX-[A-Za-z0-9_-]{24,})',
    shape: 'ya29.… (access token), 1//0… (refresh token), GOCSPX-… (client secret)',
  },
  {
    family: 'firebase',
    keywords: [':apa91b'],
    alphabet: URLSAFE,
    pattern: 'AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}',
    shape: 'AAAA + 7 characters + :APA91b + 100s of characters (FCM server key)',
  },
  {
    family: 'alibaba',
    keywords: ['ltai'],
    alphabet: ALNUM,
    pattern: 'LTAI[A-Za-z0-9]{12,}',
    shape: 'LTAI + 12–20 alphanumerics (access key id)',
  },
  {
    family: 'digitalocean',
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    alphabet: ALNUM,
    pattern: 'do[opr]_v1_[a-f0-9]{64}',
    shape: 'dop_v1_ / doo_v1_ / dor_v1_ + 64 hex',
  },
  {
    family: 'cloudflare',
    keywords: ['v1.0-', 'eyjhijoi'],
    alphabet: URLSAFE,
    pattern: '(?:v1\\.0-[a-f0-9]{24}-[a-f0-9]{100,}|eyJhIjoi[A-Za-z0-9+/_-]{50,}={0,2})',
    shape: 'v1.0-<24 hex>-<146 hex> (origin CA key), eyJhIjoi… (tunnel token)',
  },
  {
    family: 'heroku',
    keywords: ['hrku-'],
    alphabet: URLSAFE,
    pattern: 'HRKU-[A-Za-z0-9_-]{40,}',
    shape: 'HRKU-AA + 58 URL-safe characters',
  },
  {
    family: 'fly-io',
    keywords: ['fo1_', 'fm1', 'fm2_'],
    alphabet: URLSAFE,
    pattern: '(?:fo1_[A-Za-z0-9_-]{40,}|fm[12][ar]?_[A-Za-z0-9+/_-]{60,}={0,3})',
    shape: 'fo1_… / fm1r_… / fm2_… + base64',
  },
  {
    family: 'supabase',
    keywords: ['sbp_', 'sb_secret_'],
    alphabet: URLSAFE,
    pattern: '(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,})',
    shape: 'sbp_ + 40 hex, sb_secret_…',
  },
  {
    family: 'planetscale',
    keywords: ['pscale_'],
    alphabet: URLSAFE,
    pattern: 'pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_.=-]{32,}',
    shape: 'pscale_tkn_ / pscale_oauth_ / pscale_pw_ + 32–64 characters',
  },
  {
    family: 'databricks',
    keywords: ['dapi'],
    alphabet: ALNUM,
    pattern: 'dapi[a-f0-9]{32}(?:-[0-9])?(?![A-Za-z0-9])',
    shape: 'dapi + 32 hex',
  },
  {
    family: 'hashicorp-vault',
    keywords: ['hvs.', 'hvb.', 'hvr.', 's.'],
    alphabet: `${URLSAFE}.`,
    pattern: '(?:hv[sbr]\\.[A-Za-z0-9_-]{24,}|s\\.[A-Za-z0-9]{24}(?![A-Za-z0-9_.-]))',
    shape: 'hvs. / hvb. / hvr. + 24+ characters; legacy s. + 24 alphanumerics',
  },
  {
    family: 'terraform-cloud',
    leadingClass: true,
    keywords: ['.atlasv1.'],
    alphabet: ALNUM,
    pattern: '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}',
    anchor: { literal: '.atlasv1.', at: 14 },
    shape: '14 alphanumerics + .atlasv1. + 60–70 characters',
  },
  {
    family: 'pulumi',
    keywords: ['pul-'],
    alphabet: ALNUM,
    pattern: 'pul-[a-f0-9]{40}',
    shape: 'pul- + 40 hex',
  },
  {
    family: 'doppler',
    keywords: ['dp.'],
    alphabet: `${URLSAFE}.`,
    pattern: 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9_-]{40,}',
    shape: 'dp.pt. / dp.st. / dp.sa. / dp.ct. + 43 alphanumerics',
  },
  {
    family: 'tailscale',
    keywords: ['tskey-'],
    alphabet: URLSAFE,
    pattern: 'tskey-[a-z]+-[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,}',
    shape: 'tskey-<kind>-<id>-<secret>',
  },
  {
    family: 'onepassword',
    keywords: ['ops_eyj', 'a3-'],
    alphabet: `${BASE64}_-`,
    pattern: '(?:ops_eyJ[A-Za-z0-9+/]{100,}={0,3}|A3-[A-Z0-9]{6}-[A-Z0-9-]{23,29})',
    shape: 'ops_eyJ… (service account token), A3-XXXXXX-… (secret key)',
  },
  // --- Source control, packages, CI -----------------------------------------------------------
  {
    family: 'github-token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    alphabet: `${URLSAFE}.`,
    // Classic tokens are 36 base62 characters (30 random + a CRC32); the 2026 installation tokens
    // (ghs_<app id>_<JWT>) are longer with _ and . in them, so the body is open-ended.
    pattern: '(?:gh[pousr]_[A-Za-z0-9_.-]{36,}|github_pat_[A-Za-z0-9_]{40,})',
    shape: 'ghp_ / gho_ / ghu_ / ghs_ / ghr_ + 36 base62; ghs_<app>_<JWT>; github_pat_ + 82',
  },
  {
    family: 'gitlab-token',
    keywords: [
      'glpat-',
      'gloas-',
      'gldt-',
      'glrt-',
      'glcbt-',
      'glptt-',
      'glft-',
      'glimt-',
      'glagent-',
      'glsoat-',
      'glffct-',
      'glwt-',
      'gr1348941',
    ],
    // Self-managed instances may prefix their tokens (`SIE-glpat-…`): a dash before is allowed.
    alphabet: ALNUM,
    pattern:
      '(?:gl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct|wt)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,})',
    shape: 'glpat- / gldt- / glrt- / glcbt- / gloas- / … + 20+ characters; GR1348941…',
  },
  {
    family: 'bitbucket',
    keywords: ['atbb'],
    alphabet: ALNUM,
    pattern: 'ATBB[A-Za-z0-9_=.-]{32,}',
    shape: 'ATBB + 32+ characters (app password)',
  },
  {
    family: 'atlassian',
    keywords: ['atatt3', 'atctt3'],
    alphabet: ALNUM,
    pattern: 'AT[AC]TT3[A-Za-z0-9_=-]{100,}',
    shape: 'ATATT3 + ~186 characters (API token)',
  },
  {
    family: 'npm',
    keywords: ['npm_'],
    alphabet: ALNUM,
    pattern: 'npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])',
    shape: 'npm_ + 36 base62 (30 random + CRC32)',
  },
  {
    family: 'pypi',
    keywords: ['pypi-ag'],
    alphabet: URLSAFE,
    pattern: 'pypi-Ag[A-Za-z0-9_-]{50,}',
    shape: 'pypi-AgEIcHlwaS5vcmc… (macaroon, 100s of characters)',
  },
  {
    family: 'rubygems',
    keywords: ['rubygems_'],
    alphabet: ALNUM,
    pattern: 'rubygems_[a-f0-9]{48}',
    shape: 'rubygems_ + 48 hex',
  },
  {
    family: 'nuget',
    keywords: ['oy2'],
    alphabet: ALNUM,
    pattern: 'oy2[a-z0-9]{43}(?![A-Za-z0-9])',
    shape: 'oy2 + 43 lower-case alphanumerics',
  },
  {
    family: 'docker-hub',
    keywords: ['dckr_'],
    alphabet: URLSAFE,
    pattern: 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}',
    shape: 'dckr_pat_ / dckr_oat_ + 27+ characters',
  },
  {
    family: 'jfrog',
    keywords: ['akcp', 'cmvmd'],
    alphabet: ALNUM,
    pattern: '(?:AKCp[A-Za-z0-9]{60,}|cmVmd[A-Za-z0-9]{59,})',
    shape: 'AKCp + 69 alphanumerics (API key), cmVmd + 59 (reference token)',
  },
  {
    family: 'sourcegraph',
    keywords: ['sgp_'],
    alphabet: ALNUM,
    pattern: 'sgp_(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}',
    shape: 'sgp_ + 40 hex',
  },
  {
    family: 'clojars',
    keywords: ['clojars_'],
    alphabet: ALNUM,
    pattern: 'CLOJARS_[a-z0-9]{60}',
    shape: 'CLOJARS_ + 60 characters',
  },
  {
    family: 'figma',
    keywords: ['figd_'],
    alphabet: URLSAFE,
    pattern: 'figd_[A-Za-z0-9_-]{40,}',
    shape: 'figd_ + 40+ characters',
  },
  {
    family: 'harness',
    keywords: ['pat.', 'sat.'],
    alphabet: ALNUM,
    pattern: '(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}',
    shape: 'pat.<22>.<24>.<20>',
  },
  // --- Payments and commerce ------------------------------------------------------------------
  {
    family: 'stripe',
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_', 'whsec_'],
    alphabet: ALNUM,
    pattern: '(?:[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{24,})',
    shape: 'sk_live_ / rk_live_ / sk_test_ + 24–99 alphanumerics; whsec_… (webhook secret)',
  },
  {
    family: 'square',
    keywords: ['sq0atp-', 'sq0csp-', 'eaaa'],
    alphabet: URLSAFE,
    pattern: '(?:sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}|EAAA[A-Za-z0-9_-]{40,})',
    shape: 'sq0atp- / sq0csp- + 22+ characters; EAAA + 60 characters',
  },
  {
    family: 'paypal-braintree',
    keywords: ['access_token$'],
    alphabet: ALNUM,
    pattern: 'access_token\\$(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32}',
    shape: 'access_token$production$<16>$<32 hex>',
  },
  {
    family: 'shopify',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    alphabet: ALNUM,
    pattern: 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}',
    shape: 'shpat_ / shpca_ / shppa_ / shpss_ + 32 hex',
  },
  {
    family: 'plaid',
    keywords: ['access-production-', 'access-sandbox-', 'access-development-'],
    alphabet: ALNUM,
    pattern:
      'access-(?:production|sandbox|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    shape: 'access-production-<UUID>',
  },
  {
    family: 'shippo',
    keywords: ['shippo_'],
    alphabet: ALNUM,
    pattern: 'shippo_(?:live|test)_[a-fA-F0-9]{40}',
    shape: 'shippo_live_ + 40 hex',
  },
  {
    family: 'duffel',
    keywords: ['duffel_'],
    alphabet: ALNUM,
    pattern: 'duffel_(?:test|live)_[A-Za-z0-9_=-]{40,}',
    shape: 'duffel_live_ + 43 characters',
  },
  {
    family: 'flutterwave',
    keywords: ['flwseck', 'flwpubk'],
    alphabet: ALNUM,
    pattern: 'FLWSECK(?:_TEST)?-[a-hA-H0-9]{12,}(?:-X)?',
    shape: 'FLWSECK-<32 hex>-X',
  },
  // --- Messaging and email --------------------------------------------------------------------
  {
    family: 'slack-token',
    keywords: ['xox', 'xapp-'],
    alphabet: ALNUM,
    pattern:
      '(?:xox[abposre]-[A-Za-z0-9-]{10,}|xoxe\\.xox[bp]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})',
    shape: 'xoxb- / xoxp- / xoxa- / xoxe- / xapp-1- + dash-separated alphanumerics',
  },
  {
    family: 'slack-webhook',
    keywords: ['hooks.slack.com'],
    alphabet: '',
    pattern: '(hooks\\.slack\\.com/(?:services|workflows|triggers)/)[A-Za-z0-9/_+-]{12,}',
    shape: 'https://hooks.slack.com/services/T…/B…/<24 characters>',
  },
  {
    family: 'discord-webhook',
    keywords: ['/api/webhooks/'],
    alphabet: '',
    pattern: '(discord(?:app)?\\.com/api/webhooks/[0-9]{15,22}/)[A-Za-z0-9_-]{20,}',
    shape: 'https://discord.com/api/webhooks/<id>/<68 characters>',
  },
  {
    family: 'discord-bot-token',
    keywords: [],
    features: FEATURE_RUN_DOT,
    alphabet: URLSAFE,
    pattern: '[MNO][A-Za-z0-9_-]{22,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,}',
    shape: 'M…/N…/O… (base64 user id) . 6 characters . 27–38 characters',
  },
  {
    family: 'teams-webhook',
    keywords: ['webhook.office.com'],
    alphabet: '',
    pattern: '(\\.webhook\\.office\\.com/webhookb2/)[A-Za-z0-9@/_.-]{20,}',
    shape: 'https://<tenant>.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/…',
  },
  {
    family: 'telegram-bot-token',
    leadingClass: true,
    keywords: [':aa'],
    alphabet: ALNUM,
    pattern: '[0-9]{8,10}:AA[A-Za-z0-9_-]{32,}',
    shape: '<8–10 digit bot id>:AA + 33 characters',
  },
  {
    family: 'twilio',
    keywords: [...'0123456789abcdef'].map((hex) => `sk${hex}`),
    alphabet: ALNUM,
    pattern: 'SK[0-9a-fA-F]{32}(?![A-Za-z0-9])',
    shape: 'SK + 32 hex (API key)',
  },
  {
    family: 'sendgrid',
    keywords: ['sg.'],
    alphabet: `${URLSAFE}.`,
    pattern: 'SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}',
    shape: 'SG.<22 characters>.<43 characters>',
  },
  {
    family: 'mailgun',
    leadingClass: true,
    keywords: ['key-'],
    features: FEATURE_RUN_40,
    alphabet: ALNUM,
    pattern: '(?:key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8})(?![A-Za-z0-9])',
    shape: 'key- + 32 hex; <32 hex>-<8 hex>-<8 hex>',
  },
  {
    family: 'mailchimp',
    leadingClass: true,
    keywords: ['-us'],
    alphabet: ALNUM,
    pattern: '[a-f0-9]{32}-us[0-9]{1,2}(?![A-Za-z0-9])',
    anchor: { literal: '-us', at: 32 },
    shape: '<32 hex>-us<datacenter>',
  },
  {
    family: 'brevo',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    alphabet: ALNUM,
    pattern: 'x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}',
    shape: 'xkeysib- + 64 hex + - + 16 characters',
  },
  // --- AI providers ---------------------------------------------------------------------------
  {
    family: 'anthropic',
    keywords: ['sk-ant-'],
    alphabet: URLSAFE,
    pattern: 'sk-ant-(?:api|admin|oat|ort)[0-9]{2}-[A-Za-z0-9_-]{20,}',
    shape: 'sk-ant-api03- / sk-ant-admin01- + ~95 characters',
  },
  {
    family: 'openai',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-none-', 't3blbkfj'],
    alphabet: URLSAFE,
    pattern:
      '(?:sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9_-]{8,}T3BlbkFJ[A-Za-z0-9_-]{8,})',
    shape: 'sk-proj- / sk-svcacct- / sk-admin- + ~150 characters; legacy sk-…T3BlbkFJ…',
  },
  {
    family: 'openrouter',
    keywords: ['sk-or-v1-'],
    alphabet: URLSAFE,
    pattern: 'sk-or-v1-[a-f0-9]{64}',
    shape: 'sk-or-v1- + 64 hex',
  },
  {
    family: 'llm-api-key',
    keywords: ['sk-'],
    alphabet: URLSAFE,
    // DeepSeek, Moonshot, Qwen/DashScope and other OpenAI-compatible APIs: sk- and 32+ random characters.
    pattern: 'sk-[A-Za-z0-9]{32,}(?![A-Za-z0-9_-])',
    shape: 'sk- + 32+ alphanumerics (OpenAI-compatible providers)',
    accept: (match) => /[0-9]/.test(match) && /[a-zA-Z]/.test(match.slice(3)),
  },
  {
    family: 'groq',
    keywords: ['gsk_'],
    alphabet: ALNUM,
    pattern: 'gsk_[A-Za-z0-9]{48,}',
    shape: 'gsk_ + 52 alphanumerics',
  },
  {
    family: 'perplexity',
    keywords: ['pplx-'],
    alphabet: ALNUM,
    pattern: 'pplx-[A-Za-z0-9]{40,}',
    shape: 'pplx- + 48 alphanumerics',
  },
  {
    family: 'xai',
    keywords: ['xai-'],
    alphabet: ALNUM,
    pattern: 'xai-[A-Za-z0-9]{60,}',
    shape: 'xai- + 80 alphanumerics',
  },
  {
    family: 'huggingface',
    keywords: ['hf_', 'api_org_'],
    alphabet: ALNUM,
    pattern: '(?:hf_|api_org_)[A-Za-z]{34,}(?![A-Za-z0-9])',
    shape: 'hf_ + 34 letters; api_org_ + 34 letters',
  },
  {
    family: 'replicate',
    keywords: ['r8_'],
    alphabet: ALNUM,
    pattern: 'r8_[A-Za-z0-9]{37,}',
    shape: 'r8_ + 37 alphanumerics',
  },
  {
    family: 'langsmith',
    keywords: ['lsv2_'],
    alphabet: ALNUM,
    pattern: 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}',
    shape: 'lsv2_pt_ / lsv2_sk_ + 32 hex + _ + 10 hex',
  },
  // --- Observability and productivity -----------------------------------------------------------
  {
    family: 'sentry',
    leadingClass: true,
    keywords: ['sntrys_', 'sntryu_', 'sentry'],
    alphabet: ALNUM,
    pattern:
      '(?:sntry[su]_[A-Za-z0-9+/=_]{40,}|(?<=://)[a-f0-9]{32}(?::[a-f0-9]{32})?(?=@[A-Za-z0-9.-]{0,100}sentry))',
    shape:
      'sntrys_eyJ… (org token), sntryu_ + 64 hex (user token); the key in a DSN https://<32 hex>@…sentry.io/…',
  },
  {
    family: 'new-relic',
    leadingClass: true,
    keywords: ['nrak-', 'nrii-', 'nrjs-', 'nraa-', 'nral'],
    alphabet: ALNUM,
    pattern: '(?:NR(?:AK|II|JS|AA)-[A-Za-z0-9_-]{19,}|[a-f0-9]{36}NRAL)',
    shape: 'NRAK- + 27 (user key), NRII- (insert key), NRJS- (browser), <36 hex>NRAL (license key)',
  },
  {
    family: 'grafana',
    keywords: ['glc_', 'glsa_', 'eyjrijoi'],
    alphabet: ALNUM,
    pattern:
      '(?:glc_[A-Za-z0-9+/]{32,}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{40,}={0,3})',
    shape: 'glc_… (cloud token), glsa_ + 32 + _ + 8 hex (service account), eyJrIjoi… (API key)',
  },
  {
    family: 'okta',
    keywords: ['ssws '],
    alphabet: ALNUM,
    pattern: '(SSWS )[A-Za-z0-9_-]{30,}',
    shape: 'SSWS 00… (API token in an Authorization header)',
  },
  {
    family: 'dynatrace',
    keywords: ['dt0c01.'],
    alphabet: ALNUM,
    pattern: 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}',
    shape: 'dt0c01.<24>.<64>',
  },
  {
    family: 'postman',
    keywords: ['pmak-'],
    alphabet: ALNUM,
    pattern: 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}',
    shape: 'PMAK-<24 hex>-<34 hex>',
  },
  {
    family: 'linear',
    keywords: ['lin_api_', 'lin_oauth_'],
    alphabet: ALNUM,
    pattern: 'lin_(?:api|oauth)_[A-Za-z0-9]{40}',
    shape: 'lin_api_ + 40 alphanumerics',
  },
  {
    family: 'notion',
    keywords: ['ntn_', 'secret_'],
    alphabet: ALNUM,
    pattern: '(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}(?![A-Za-z0-9]))',
    shape: 'ntn_ + 46 characters; legacy secret_ + 43 alphanumerics',
  },
  {
    family: 'contentful',
    keywords: ['cfpat-'],
    alphabet: ALNUM,
    pattern: 'CFPAT-[A-Za-z0-9_-]{43}',
    shape: 'CFPAT- + 43 characters',
  },
  {
    family: 'launchdarkly',
    keywords: ['sdk-', 'api-'],
    alphabet: ALNUM,
    pattern: '(?:sdk|api)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    shape: 'sdk-<UUID> / api-<UUID>',
  },
  {
    family: 'twitter',
    keywords: ['aaaaaaaaaaaaaaaaaaaaa'],
    alphabet: ALNUM,
    pattern: 'A{21}[A-Za-z0-9%]{30,}',
    shape: 'AAAAAAAAAAAAAAAAAAAAA + 80 characters (app bearer token)',
  },
  {
    family: 'mapbox',
    keywords: ['sk.eyj'],
    alphabet: ALNUM,
    pattern: 'sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}',
    shape: 'sk.eyJ…<base64>.<22 characters> (secret token)',
  },
  {
    family: 'age',
    keywords: ['age-secret-key-1'],
    alphabet: ALNUM,
    pattern: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    shape: 'AGE-SECRET-KEY-1 + 58 bech32 characters',
  },
  {
    family: 'easypost',
    keywords: ['ezak', 'eztk'],
    alphabet: ALNUM,
    pattern: 'EZ[AT]K[A-Za-z0-9]{54}',
    shape: 'EZAK / EZTK + 54 alphanumerics',
  },
  {
    family: 'adobe',
    keywords: ['p8e-'],
    alphabet: ALNUM,
    pattern: 'p8e-[A-Za-z0-9]{32}',
    shape: 'p8e- + 32 alphanumerics',
  },
  {
    family: 'prefect',
    keywords: ['pnu_'],
    alphabet: ALNUM,
    pattern: 'pnu_[A-Za-z0-9]{36}',
    shape: 'pnu_ + 36 alphanumerics',
  },
  {
    family: 'readme',
    keywords: ['rdme_'],
    alphabet: ALNUM,
    pattern: 'rdme_[a-z0-9]{70}',
    shape: 'rdme_ + 70 characters',
  },
  {
    family: 'frameio',
    keywords: ['fio-u-'],
    alphabet: ALNUM,
    pattern: 'fio-u-[A-Za-z0-9_=-]{64}',
    shape: 'fio-u- + 64 characters',
  },
  {
    family: 'infracost',
    keywords: ['ico-'],
    alphabet: ALNUM,
    pattern: 'ico-[A-Za-z0-9]{32}',
    shape: 'ico- + 32 alphanumerics',
  },
  {
    family: 'scalingo',
    keywords: ['tk-us-'],
    alphabet: ALNUM,
    pattern: 'tk-us-[A-Za-z0-9_-]{48}',
    shape: 'tk-us- + 48 characters',
  },
] as const satisfies readonly TokenFormat[];

/** A provider token family (`'stripe'`, `'github-token'`...). */
export type TokenFamily = (typeof TOKEN_FORMATS)[number]['family'];

/** Every token format's family, in order (several formats may share one). */
export const TOKEN_FAMILIES: readonly TokenFamily[] = [...new Set(TOKEN_FORMATS.map((f) => f.family))];
