namespace TensorPool.TraceLink.Store;

/// <summary>The table a <see cref="StoreRecord"/> goes to.</summary>
internal enum StoreRecordKind : byte
{
    None = 0,
    Frame,
    Link,
    Window,
    Node,
}
