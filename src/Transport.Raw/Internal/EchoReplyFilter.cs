using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>
/// A classic BPF socket filter (Linux SO_ATTACH_FILTER), as iputils' ping installs on its raw sockets: the
/// kernel drops echo replies that carry another pinger's identifier before they reach the socket's buffer,
/// so a busy host's ICMP traffic cannot fill it and crowd out this pinger's replies. Every other ICMP
/// message (errors, requests) still passes.
/// </summary>
internal static class EchoReplyFilter
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;

    // BPF opcodes: ld/ldx with sizes and modes, jeq, ret.
    private const ushort LdxMsh = 0xb1;   // x = 4 * (pkt[k] & 0xf): the IPv4 header length
    private const ushort LdHalfInd = 0x48; // a = pkt[x + k], 16 bits, network order
    private const ushort LdByteInd = 0x50; // a = pkt[x + k], 8 bits
    private const ushort LdHalfAbs = 0x28; // a = pkt[k], 16 bits
    private const ushort LdByteAbs = 0x30; // a = pkt[k], 8 bits
    private const ushort JeqK = 0x15;
    private const ushort RetK = 0x06;

    /// <summary>Attaches the filter; best effort (Linux only, and a kernel that refuses just leaves the socket unfiltered).</summary>
    public static void TryAttach(RawSocket socket, ushort identifier, bool isIPv6)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return;
        }

        // IPv4 raw sockets see the IP header first; ICMPv6 ones start at the ICMP header.
        Span<ulong> program = isIPv6
            ?
            [
                Instruction(LdHalfAbs, 0, 0, 4),
                Instruction(JeqK, 0, 1, identifier),
                Instruction(RetK, 0, 0, uint.MaxValue),
                Instruction(LdByteAbs, 0, 0, 0),
                Instruction(JeqK, 1, 0, 129), // echo reply
                Instruction(RetK, 0, 0, uint.MaxValue),
                Instruction(RetK, 0, 0, 0),
            ]
            :
            [
                Instruction(LdxMsh, 0, 0, 0),
                Instruction(LdHalfInd, 0, 0, 4),
                Instruction(JeqK, 0, 1, identifier),
                Instruction(RetK, 0, 0, uint.MaxValue),
                Instruction(LdByteInd, 0, 0, 0),
                Instruction(JeqK, 1, 0, 0), // echo reply
                Instruction(RetK, 0, 0, uint.MaxValue),
                Instruction(RetK, 0, 0, 0),
            ];

        unsafe
        {
            fixed (ulong* filter = program)
            {
                // struct sock_fprog { unsigned short len; struct sock_filter *filter; } on 64-bit: 16 bytes.
                Span<byte> fprog = stackalloc byte[16];
                fprog.Clear();
                BinaryPrimitives.WriteUInt16LittleEndian(fprog, (ushort)program.Length);
                MemoryMarshal.Write(fprog[8..], (nint)filter);

                try
                {
                    socket.SetRawOption(SolSocket, SoAttachFilter, fprog);
                }
                catch (NetException)
                {
                    // Unfiltered still works, it only competes with the host's other ICMP traffic.
                }
            }
        }
    }

    // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, in host order.
    private static ulong Instruction(ushort code, byte jumpTrue, byte jumpFalse, uint k)
    {
        Span<byte> instruction = stackalloc byte[8];
        MemoryMarshal.Write(instruction, code);
        instruction[2] = jumpTrue;
        instruction[3] = jumpFalse;
        MemoryMarshal.Write(instruction[4..], k);
        return MemoryMarshal.Read<ulong>(instruction);
    }
}
