/// The HTTP side of hookd (webhook listener, admin listener, lifecycle). It lands with the receipt
/// work; until then this module holds nothing but its name.
public enum HookdServer {}
