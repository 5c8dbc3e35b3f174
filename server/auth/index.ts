/** What main.ts needs of auth/ itself; the accounts (auth + organizations) are composed in orgs/index.ts. */
export { issueSetupCode } from './setup.js';
