pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        // org.daftar:daftar-kotlin comes from `mvn install` in bindings/kotlin.
        mavenLocal {
            content { includeGroup("org.daftar") }
        }
        google()
        mavenCentral()
    }
}

rootProject.name = "daftar-android-demo"
include(":logic", ":app")
