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
  get userId() { return str("userId", "OS_USER_ID"); },
  get password() { return str("password", "OS_PASSWORD"); },
  get projectName() { return str("projectName", "OS_PROJECT_NAME", "OS_TENANT_NAME"); },
  get projectId() { return str("projectId", "OS_PROJECT_ID", "OS_TENANT_ID"); },
  get userDomainName() { return str("userDomainName", "OS_USER_DOMAIN_NAME"); },
  get userDomainId() { return str("userDomainId", "OS_USER_DOMAIN_ID"); },
  get projectDomainName() { return str("projectDomainName", "OS_PROJECT_DOMAIN_NAME"); },
  get projectDomainId() { return str("projectDomainId", "OS_PROJECT_DOMAIN_ID"); },
  get systemScope() { return str("systemScope", "OS_SYSTEM_SCOPE"); },
  get token() { return str("token", "OS_TOKEN"); },
  get applicationCredentialId() { return str("applicationCredentialId", "OS_APPLICATION_CREDENTIAL_ID"); },
  get applicationCredentialName() { return str("applicationCredentialName", "OS_APPLICATION_CREDENTIAL_NAME"); },
  get applicationCredentialSecret() { return str("applicationCredentialSecret", "OS_APPLICATION_CREDENTIAL_SECRET"); },
  get endpoint() { return str("endpoint", "OS_VOLUME_ENDPOINT", "CINDER_ENDPOINT"); },
  get endpointOverrides(): { [serviceType: string]: string } | undefined { return cfg().getObject<{ [serviceType: string]: string }>("endpointOverrides"); },
  get region() { return str("region", "OS_REGION_NAME"); },
  get insecure(): boolean | undefined { return cfg().getBoolean("insecure") ?? getEnvBoolean("OS_INSECURE"); },
  get cacert() { return str("cacert", "OS_CACERT"); },
  get microversion() { return str("microversion", "OS_VOLUME_API_VERSION"); },
};
