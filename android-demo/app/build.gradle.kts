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

dependencies {
    implementation(project(":logic")) {
        // The JVM jar of JNA has no Android loader; the aar below brings libjnidispatch.so per ABI.
        exclude(group = "net.java.dev.jna", module = "jna")
    }
    implementation("net.java.dev.jna:jna:5.18.1@aar")
}
