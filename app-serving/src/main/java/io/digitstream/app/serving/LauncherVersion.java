package io.digitstream.app.serving;

import io.digitstream.model.snapshot.JavaDeserialization;
import picocli.CommandLine;

/** The version both launchers print: the jar's manifest (a build from source says so) and the serial filter. */
public final class LauncherVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = LauncherVersion.class.getPackage().getImplementationVersion();
        return new String[] {
            "digitstream " + (version == null ? "(built from source)" : version), JavaDeserialization.describe()
        };
    }
}
