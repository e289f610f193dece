plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.daftar.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.daftar.demo"
        minSdk = 26 // java.time, which the bindings' LocalDate needs
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    // One APK per ABI: each carries only its own libdaftar_ffi.so and libjnidispatch.so.
    splits {
        abi {
            isEnable = true
            reset()
            include("arm64-v8a", "armeabi-v7a", "x86_64")
            isUniversalApk = false
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
            // A demo: signed with the debug key so that `adb install` works out of the box.
            signingConfig = signingConfigs.getByName("debug")
        }
    }

    packaging {
        jniLibs {
            // Stored uncompressed and 16 KB-aligned, loaded straight from the APK.
            useLegacyPackaging = false
        }
    }

    // cargo-ndk writes the native libraries here (see README.md).
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

// The core for each ABI, built by cargo-ndk (release profile, stripped) into
// src/main/jniLibs before anything is packaged, so an APK never ships without
// it. The 16 KB page alignment comes from the repository's .cargo/config.toml.
// -Pdaftar.encrypted=true builds SQLCipher in: the app then encrypts a new
// book, its key kept by the Android Keystore (BookKeys.kt). -Pdaftar.skipCargo=true
// packages whatever jniLibs already holds (a library built elsewhere).
val repositoryRoot: File = rootProject.projectDir.parentFile
val nativeAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val encryptedBooks = providers.gradleProperty("daftar.encrypted").map { it.toBoolean() }.getOrElse(false)
val skipCargo = providers.gradleProperty("daftar.skipCargo").map { it.toBoolean() }.getOrElse(false)

val cargoNdk by tasks.registering(Exec::class) {
    group = "build"
    description = "Builds libdaftar_ffi.so for each ABI with cargo-ndk into src/main/jniLibs"
    enabled = !skipCargo
    workingDir = repositoryRoot
    val command = mutableListOf("cargo", "ndk")
    nativeAbis.forEach { command += listOf("-t", it) }
    command += listOf("-o", file("src/main/jniLibs").path, "build", "--release", "-p", "daftar-ffi")
    if (encryptedBooks) command += listOf("--features", "encrypted")
    commandLine(command)
    inputs.property("encrypted", encryptedBooks)
    // Cargo knows what changed; Gradle asks it every build (a no-op build takes a second).
    outputs.upToDateWhen { false }
}

tasks.named("preBuild") { dependsOn(cargoNdk) }

dependencies {
    implementation(project(":logic")) {
        // The JVM jar of JNA has no Android loader; the aar below brings libjnidispatch.so per ABI.
        exclude(group = "net.java.dev.jna", module = "jna")
    }
    implementation("net.java.dev.jna:jna:5.18.1@aar")
}
