// rahil: one byte of CRC-16/CCITT-FALSE (polynomial 0x1021, MSB first), combinational.
`default_nettype none

module crc16_ccitt (
	input  wire [15:0] i_crc,
	input  wire [7:0]  i_data,
	output reg  [15:0] o_crc
);
	integer b;
	always @(*) begin
		o_crc = i_crc ^ {i_data, 8'h00};
		for (b = 0; b < 8; b = b + 1)
			o_crc = o_crc[15] ? {o_crc[14:0], 1'b0} ^ 16'h1021 : {o_crc[14:0], 1'b0};
	end
endmodule
