/**
 * The default provider's configuration as the program sees it: stack config `cinder:<key>`, then the
 * OS_* environment variable (codegen's config/vars.ts). Read lazily, on each access.
 */
import * as pulumi from "@pulumi/pulumi";
import { getEnv, getEnvBoolean } from "./utilities";

const cfg = () => new pulumi.Config("cinder");
const str = (key: string, ...env: string[]) => cfg().get(key) ?? getEnv(...env);

export const config = {
  get cloud() { return str("cloud", "OS_CLOUD"); },
  get cert() { return str("cert", "OS_CERT"); },
  get key() { return str("key", "OS_KEY"); },
  get authUrl() { return str("authUrl", "OS_AUTH_URL"); },
  get username() { return str("username", "OS_USERNAME"); },
  get password() { return str("password", "OS_PASSWORD"); },
  get projectName() { return str("projectName", "OS_PROJECT_NAME", "OS_TENANT_NAME"); },
  get projectId() { return str("projectId", "OS_PROJECT_ID", "OS_TENANT_ID"); },
  get userDomainName() { return str("userDomainName", "OS_USER_DOMAIN_NAME"); },
  get projectDomainName() { return str("projectDomainName", "OS_PROJECT_DOMAIN_NAME"); },
  get token() { return str("token", "OS_TOKEN"); },
  get applicationCredentialId() { return str("applicationCredentialId", "OS_APPLICATION_CREDENTIAL_ID"); },
  get applicationCredentialSecret() { return str("applicationCredentialSecret", "OS_APPLICATION_CREDENTIAL_SECRET"); },
  get endpoint() { return str("endpoint", "OS_VOLUME_ENDPOINT", "CINDER_ENDPOINT"); },
  get region() { return str("region", "OS_REGION_NAME"); },
  get insecure(): boolean | undefined { return cfg().getBoolean("insecure") ?? getEnvBoolean("OS_INSECURE"); },
  get cacert() { return str("cacert", "OS_CACERT"); },
  get microversion() { return str("microversion", "OS_VOLUME_API_VERSION"); },
};
