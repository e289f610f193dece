// The logic without UI as a plain Kotlin JVM library: the app depends on it, and
// `gradle :logic:test` runs the same JUnit tests as `mvn test` (pom.xml beside this).
plugins {
    `java-library`
    id("org.jetbrains.kotlin.jvm")
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // `api`: the app's screens use the library's types (Member, Meeting) too. The JVM
    // jar of JNA comes along here; the app swaps it for JNA's Android aar.
    api("org.daftar:daftar-kotlin:0.1.0")
    testImplementation("org.junit.jupiter:junit-jupiter:5.11.4")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.test {
    useJUnitPlatform()
    // The host cdylib built by `mvn install` in bindings/kotlin.
    systemProperty("jna.library.path", rootProject.file("../target/debug").absolutePath)
}
