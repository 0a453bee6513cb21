/// hookd's version, as `hookd --version` prints it.
public enum HookdVersion {
    public static let current = "0.1.0"
}
