/**
 * The JSON schemas Glance serves at /v2/schemas/{image,images,member,members}
 * (glance/api/v2/images.py `get_base_properties`, image_members.py, glance/schema.py): clients
 * such as the `glance` CLI read them to know an image's fields and to build JSON-patch updates.
 * The image schema is Glance's permissive one (other properties are strings) with the formats this
 * service accepts, and the extra properties of Glance's shipped schema-image.json.
 */
import { CONTAINER_FORMATS, DISK_FORMATS, MEMBER_STATUSES, VISIBILITIES } from "./rules";

const UUID_PATTERN = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";
const DOC_URL = "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html";

type JsonSchema = Record<string, unknown>;

const readOnly = (type: unknown, description: string, extra: JsonSchema = {}): JsonSchema => ({ type, readOnly: true, description, ...extra });

function imageProperties(): Record<string, JsonSchema> {
  return {
    id: { type: "string", description: "An identifier for the image", pattern: UUID_PATTERN },
    name: { type: ["null", "string"], description: "Descriptive name for the image", maxLength: 255 },
    status: readOnly("string", "Status of the image", {
      enum: ["queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"],
    }),
    visibility: { type: "string", description: "Scope of image accessibility", enum: [...VISIBILITIES] },
    protected: { type: "boolean", description: "If true, image will not be deletable." },
    os_hidden: { type: "boolean", description: "If true, image will not appear in default image list response." },
    checksum: readOnly(["null", "string"], "md5 hash of image contents.", { maxLength: 32 }),
    os_hash_algo: readOnly(["null", "string"], "Algorithm to calculate the os_hash_value", { maxLength: 64 }),
    os_hash_value: readOnly(["null", "string"], "Hexdigest of the image contents using the algorithm specified by the os_hash_algo", { maxLength: 128 }),
    owner: { type: ["null", "string"], description: "Owner of the image", maxLength: 255 },
    size: readOnly(["null", "integer"], "Size of image file in bytes"),
    virtual_size: readOnly(["null", "integer"], "Virtual size of image in bytes"),
    container_format: { type: ["null", "string"], description: "Format of the container", enum: [null, ...CONTAINER_FORMATS] },
    disk_format: { type: ["null", "string"], description: "Format of the disk", enum: [null, ...DISK_FORMATS] },
    created_at: readOnly("string", "Date and time of image registration"),
    updated_at: readOnly("string", "Date and time of the last image modification"),
    tags: { type: "array", description: "List of strings related to the image", items: { type: "string", maxLength: 255 } },
    direct_url: readOnly("string", "URL to access the image file kept in external store"),
    min_ram: { type: "integer", description: "Amount of ram (in MB) required to boot image." },
    min_disk: { type: "integer", description: "Amount of disk space (in GB) required to boot image." },
    self: readOnly("string", "An image self url"),
    file: readOnly("string", "An image file url"),
    stores: readOnly(
      "string",
      "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.",
    ),
    schema: readOnly("string", "An image schema url"),
    locations: {
      type: "array",
      items: {
        type: "object",
        properties: { url: { type: "string", maxLength: 255 }, metadata: { type: "object" } },
        required: ["url", "metadata"],
      },
      description: "A set of URLs to access the image file kept in external store",
    },
    // Glance's etc/schema-image.json, merged as custom properties (is_base false).
    kernel_id: {
      type: ["null", "string"], pattern: UUID_PATTERN, is_base: false,
      description: "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.",
    },
    ramdisk_id: {
      type: ["null", "string"], pattern: UUID_PATTERN, is_base: false,
      description: "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.",
    },
    instance_uuid: {
      type: "string", is_base: false,
      description: "Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)",
    },
    architecture: { type: "string", is_base: false, description: `Operating system architecture as specified in ${DOC_URL}` },
    os_distro: { type: "string", is_base: false, description: `Common name of operating system distribution as specified in ${DOC_URL}` },
    os_version: { type: "string", is_base: false, description: "Operating system version as specified by the distributor." },
    description: { type: "string", is_base: false, description: "A human-readable string describing this image." },
  };
}

export function imageSchema(): JsonSchema {
  return {
    name: "image",
    properties: imageProperties(),
    additionalProperties: { type: "string" },
    links: [
      { rel: "self", href: "{self}" },
      { rel: "enclosure", href: "{file}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export function memberSchema(): JsonSchema {
  return {
    name: "member",
    properties: {
      member_id: { type: "string", description: "An identifier for the image member (tenantId)" },
      image_id: { type: "string", description: "An identifier for the image", pattern: UUID_PATTERN },
      created_at: { type: "string", description: "Date and time of image member creation" },
      updated_at: { type: "string", description: "Date and time of last modification of image member" },
      status: { type: "string", description: "The status of this image member", enum: [...MEMBER_STATUSES] },
      schema: { readOnly: true, type: "string" },
    },
    additionalProperties: false,
  };
}

/** glance/schema.py CollectionSchema: the items' schema in an array, with paging links. */
function collection(name: string, item: JsonSchema): JsonSchema {
  return {
    name,
    properties: {
      [name]: { type: "array", items: item },
      first: { type: "string" },
      next: { type: "string" },
      schema: { type: "string" },
    },
    links: [
      { rel: "first", href: "{first}" },
      { rel: "next", href: "{next}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export const imagesSchema = (): JsonSchema => collection("images", imageSchema());
export const membersSchema = (): JsonSchema => collection("members", memberSchema());
