package io.digitstream.schemas.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/** Validates JSON against the schema files this module ships. */
final class JsonSchemas {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private JsonSchemas() {}

    static Set<ValidationMessage> validate(String schemaFile, byte[] json) throws IOException {
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/schemas/" + schemaFile)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema " + schemaFile);
            }
            JsonSchema schema = FACTORY.getSchema(in);
            JsonNode node = Json.MAPPER.readTree(json);
            return schema.validate(node);
        }
    }
}
