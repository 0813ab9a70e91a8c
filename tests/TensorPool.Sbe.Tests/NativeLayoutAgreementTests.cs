using System.Reflection;
using TensorPool.Sbe.Wire;

namespace TensorPool.Sbe.Tests;

/// <summary>
/// The generated SHM codecs and the native core (native/include/tensorpool/slot.h, superblock.h, tensor.h, as
/// the bindings mirror them) agree field by field: offsets, lengths, ids and enum values (§7.1, §8.2, §15.8).
/// The bindings' constants are internal to TensorPool.Native, so they are read by reflection.
/// </summary>
public class NativeLayoutAgreementTests
{
    private static readonly Assembly Native = Assembly.Load("TensorPool.Native");

    private static Dictionary<string, long> Constants(string type) =>
        Native.GetType("TensorPool.Native.Internal." + type, throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, long> CodecOffsets(Type codec) =>
        codec.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Offset", StringComparison.Ordinal))
            .ToDictionary(f => f.Name[..^"Offset".Length], f => Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture));

    [TestCase("TpSlotConstants", "SlotOffset", typeof(SlotHeaderDecoder))]
    [TestCase("TpSlotConstants", "TensorOffset", typeof(TensorHeaderDecoder))]
    [TestCase("TpSuperblockConstants", "SuperblockOffset", typeof(ShmRegionSuperblockDecoder))]
    public void Every_field_offset_agrees_with_the_native_layout(string nativeType, string prefix, Type codec)
    {
        Dictionary<string, long> native = Constants(nativeType)
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Key[prefix.Length..], c => c.Value);
        Dictionary<string, long> ours = CodecOffsets(codec);

        foreach ((string field, long offset) in ours)
        {
            Assert.That(native.TryGetValue(field, out long nativeOffset), Is.True, $"{codec.Name}.{field} has no native {prefix}{field}");
            Assert.That(offset, Is.EqualTo(nativeOffset), $"{codec.Name}.{field}");
        }
    }

    [Test]
    public void Sizes_ids_and_lengths_agree_with_the_native_layout()
    {
        Dictionary<string, long> slot = Constants("TpSlotConstants");
        Assert.That(slot["SlotHeaderBlockLength"], Is.EqualTo(SlotHeaderDecoder.BlockLength));
        Assert.That(slot["SlotOffsetHeaderBytesLength"], Is.EqualTo(SlotHeaderDecoder.BlockLength), "headerBytes length follows the block");
        Assert.That(slot["SlotPadLength"], Is.EqualTo(SlotHeaderDecoder.PadLength));
        Assert.That(slot["TensorHeaderBlockLength"], Is.EqualTo(TensorHeaderDecoder.BlockLength));
        Assert.That(slot["TensorHeaderLength"], Is.EqualTo(SbeMessageHeader.Size + TensorHeaderDecoder.BlockLength));
        Assert.That(slot["SbeMessageHeaderLength"], Is.EqualTo(SbeMessageHeader.Size));
        Assert.That(slot["TensorPadLength"], Is.EqualTo(TensorHeaderDecoder.PadLength));
        Assert.That(slot["WireSchemaId"], Is.EqualTo(WireSchema.Id));
        Assert.That(slot["WireSchemaVersion"], Is.EqualTo(WireSchema.Version));
        Assert.That(slot["TensorHeaderTemplateId"], Is.EqualTo(TensorHeaderDecoder.TemplateId));
        Assert.That(slot["HeaderSlotBytes"], Is.EqualTo(SlotHeaderDecoder.BlockLength + SbeCodec.SectionHeaderSize + slot["TensorHeaderLength"]));
        Assert.That(Constants("TpSuperblockConstants")["SuperblockSize"], Is.EqualTo(ShmRegionSuperblockDecoder.BlockLength));
        Assert.That(Constants("TpTensorConstants")["MaxDims"], Is.EqualTo(TensorHeaderDecoder.MaxDims));
        Assert.That(Constants("TpTensorConstants")["MaxDims"], Is.EqualTo(TensorHeaderDecoder.DimsLength));
    }

    [TestCase("TpDtype", typeof(Dtype))]
    [TestCase("TpMajorOrder", typeof(MajorOrder))]
    [TestCase("TpProgressUnit", typeof(ProgressUnit))]
    [TestCase("TpRegionType", typeof(RegionType))]
    public void Enum_values_agree_with_the_native_registry_15_8(string nativeEnum, Type ours)
    {
        Type native = Native.GetType("TensorPool.Native.Internal." + nativeEnum, throwOnError: true)!;
        var nativeValues = Enum.GetNames(native).ToDictionary(n => n, n => Convert.ToInt64(Enum.Parse(native, n), System.Globalization.CultureInfo.InvariantCulture));
        var ourValues = Enum.GetNames(ours).ToDictionary(n => n, n => Convert.ToInt64(Enum.Parse(ours, n), System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(ourValues, Is.EquivalentTo(nativeValues));
    }

    [Test]
    public void Superblock_magic_agrees()
    {
        Type magic = Native.GetType("TensorPool.Native.Internal.TpSuperblockMagic", throwOnError: true)!;
        ulong nativeMagic = Convert.ToUInt64(Enum.GetValues(magic).GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        byte[] superblock = new byte[64];
        var e = ShmRegionSuperblockEncoder.WrapBody(superblock);
        e.Magic = nativeMagic;
        // The value the reference writes (its superblock.bin); note that its bytes read "1MHSLPOT", not an
        // ASCII "TPOLSHM1" in either order: §7.1 gives both, and the u64 value is what peers compare.
        Assert.That(nativeMagic, Is.EqualTo(0x544F504C53484D31UL));
        Assert.That(ShmRegionSuperblockDecoder.TryWrapBody(superblock, out var d), Is.True);
        Assert.That(d.Magic, Is.EqualTo(nativeMagic));
    }
}
