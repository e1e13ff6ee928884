// rahil: protocol opcodes, error codes and constants for the gateware.
// Generated from host/link/protocol_ops.def by firmware/gen_protocol_ops.c: do not edit.
`ifndef RH_PROTOCOL_OPS_VH
`define RH_PROTOCOL_OPS_VH

// Request opcodes; the response carries opcode | 8'h80.
`define RH_CMD_IDENTIFY       8'h01 // report protocol version, array geometry, chain length, FF-map hash
`define RH_CMD_LOAD_MODEL     8'h02 // write a chunk of the layer program and weights image at an offset
`define RH_CMD_LOAD_IMAGE     8'h03 // write a chunk of the input image at an offset
`define RH_CMD_RUN            8'h04 // run one fault-free inference; answer class, cycles, logits
`define RH_CMD_RUN_FAULT      8'h05 // run one inference flipping chain bit B at cycle T
`define RH_CMD_RUN_BATCH      8'h06 // run N fault descriptors back to back; one result frame each
`define RH_CMD_READ_STATE     8'h07 // read bytes of the scan chain as left by the last run
`define RH_CMD_RESET          8'h08 // reset the accelerator core (the link stays up)
`define RH_CMD_ECHO           8'h09 // answer the payload unchanged (link test; needs no core)

// Error codes in ERROR frames.
`define RH_PERR_BAD_CRC       8'h01 // frame CRC mismatch
`define RH_PERR_BAD_LEN       8'h02 // length field above the maximum payload
`define RH_PERR_TRUNCATED     8'h03 // bytes stopped mid-frame for longer than the inter-byte timeout
`define RH_PERR_FRAMING       8'h04 // UART stop bit missing inside a frame
`define RH_PERR_UNKNOWN_OP    8'h05 // opcode not in the table
`define RH_PERR_BAD_ARG       8'h06 // payload length or a field out of range for this opcode
`define RH_PERR_NO_CORE       8'h07 // this bitstream has no accelerator core
`define RH_PERR_BUSY          8'h08 // a previous request has not finished

// Constants.
`define RH_PROTO_SOF          8'hA5 // start-of-frame byte
`define RH_PROTO_VERSION      16'h0001 // protocol version reported by IDENTIFY
`define RH_PROTO_OP_RESPONSE  8'h80 // bit set in the opcode of every response
`define RH_PROTO_OP_ERROR     8'hFF // opcode of an error frame
`define RH_PROTO_HDR_LEN      8'h05 // bytes before the payload: SOF, SEQ, OP, LEN (2)
`define RH_PROTO_CRC_LEN      8'h02 // bytes of CRC after the payload
`define RH_PROTO_MAX_PAYLOAD  16'h0400 // largest payload a frame may carry
`define RH_PROTO_BATCH_MAX    16'h0040 // most fault descriptors in one RUN_BATCH
`define RH_PROTO_CRC_INIT     16'hFFFF // CRC-16/CCITT-FALSE initial value (polynomial 0x1021)
`define RH_PROTO_ERR_LEN      8'h04 // payload length of an error frame

`endif
